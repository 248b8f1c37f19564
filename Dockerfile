# syntax=docker/dockerfile:1
# Two images of the production topology (docker-compose.yml), built from one file:
#   engine  (--target engine): the Temporal server, temporal-sql-tool with the PostgreSQL schema
#           of the same module, and the Temporal Web UI server, built from their Go modules at
#           the versions `npm run start:prod` builds (scripts/engine-paths.mjs), with the same
#           configuration templates (scripts/prod/temporal-server, scripts/prod/temporal-ui);
#   app     (the default): the worker, the API, the proxy and the setup as compiled JavaScript on
#           Node 22 LTS, with the workflow bundle prebuilt (npm run build), production
#           dependencies only.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- engine ---------------------------------------------------------------------------------
FROM golang:1.25-bookworm AS engine-build
ARG TEMPORAL_SERVER_VERSION=v1.29.1
ARG TEMPORAL_UI_VERSION=v2.42.1
ENV CGO_ENABLED=0
RUN GOBIN=/out/server go install \
      go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION} \
      go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION} \
 && GOBIN=/out/ui go install github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION} \
 && mkdir -p /out/bin \
 && mv /out/server/server /out/bin/temporal-server \
 && mv /out/server/sql /out/bin/temporal-sql-tool \
 && mv /out/ui/server /out/bin/temporal-ui-server \
 && cp -r "$(go env GOMODCACHE)/go.temporal.io/server@${TEMPORAL_SERVER_VERSION}/schema/postgresql/v12" /out/schema

FROM debian:bookworm-slim AS engine
# curl for the healthcheck (the server's HTTP API); nothing else beyond the base image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1001 --home-dir /nonexistent --shell /usr/sbin/nologin temporal
COPY --from=engine-build /out/bin/ /usr/local/bin/
COPY --from=engine-build /out/schema /etc/temporal/schema/postgresql/v12
COPY scripts/prod/temporal-server/ /etc/temporal/server/
COPY scripts/prod/temporal-ui/ /etc/temporal/ui/
COPY scripts/prod/temporal-schema.sh /usr/local/bin/temporal-schema
COPY scripts/prod/temporal-server.sh /usr/local/bin/temporal-server-start
RUN chmod 755 /usr/local/bin/temporal-schema /usr/local/bin/temporal-server-start
USER temporal
CMD ["temporal-server-start"]

# ---- app ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS app-build
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency (tsc and the workflow bundler are development ones); the lock's versions.
RUN npm install --no-save --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS app-deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, and no optional ones: the embedded PostgreSQL binaries of
# `npm start` and the bundler's native compilers are not needed with the bundle prebuilt.
RUN npm install --no-save --omit=dev --omit=optional --no-audit --no-fund

FROM ${NODE_IMAGE} AS app
WORKDIR /app
ENV NODE_ENV=production
# R17: the party's letters are rendered as PDF in Chinese (api/letters/pdf.ts looks for this font).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
COPY --from=app-deps /app/node_modules ./node_modules
COPY --from=app-build /app/dist ./dist
COPY package.json ./
# The bootstrap writes the first ADMIN key here (a volume of its own; owner-only).
RUN install -d -o node -g node -m 700 /run/operator
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]
