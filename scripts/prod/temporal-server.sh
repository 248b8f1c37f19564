#!/bin/sh
# The Temporal server of docker-compose.yml's engine image: every service in one process, its
# configuration rendered from the environment by the server itself (scripts/prod/temporal-server/
# production.yaml, the template `npm run start:prod` uses). Bound to every address of the
# container, the membership ring needs the one address to announce: the container's own,
# looked up from its hostname unless TEMPORAL_BROADCAST_ADDRESS gives it.
set -eu
if [ -z "${TEMPORAL_BROADCAST_ADDRESS:-}" ]; then
  # shellcheck disable=SC2046
  set -- $(getent hosts "$(cat /etc/hostname)")
  : "${1:?cannot find this container's address: set TEMPORAL_BROADCAST_ADDRESS}"
  TEMPORAL_BROADCAST_ADDRESS="$1"
  export TEMPORAL_BROADCAST_ADDRESS
fi
# Authentication is configured by the template (no --allow-no-auth); the internal frontend, which
# serves the server's own system workers, is not a default service and is named here.
exec temporal-server --root / --config /etc/temporal/server --env production start \
  --service frontend --service internal-frontend --service history --service matching --service worker
