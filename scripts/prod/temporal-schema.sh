#!/bin/sh
# Creates Temporal's two databases in PostgreSQL and brings their schemas to the version of the
# server's module, with temporal-sql-tool: `npm run start:prod` runs it on every start, and
# docker-compose.yml's temporal-schema service runs it before the server. Safe to run again: an
# existing database is kept and only the versions it lacks are applied.
# Reads TEMPORAL_DB_HOST, TEMPORAL_DB_PORT, TEMPORAL_DB_USER, TEMPORAL_DB_PASSWORD, TEMPORAL_DB,
# TEMPORAL_VISIBILITY_DB, and TEMPORAL_SCHEMA_DIR (schema/postgresql/v12 of the server's module).
set -eu

tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
: "${TEMPORAL_DB_HOST:?TEMPORAL_DB_HOST is required}"
: "${TEMPORAL_DB_USER:?TEMPORAL_DB_USER is required}"
: "${TEMPORAL_SCHEMA_DIR:?TEMPORAL_SCHEMA_DIR is required}"
# temporal-sql-tool reads the password from SQL_PASSWORD, so it never appears in a process list.
export SQL_PASSWORD="${TEMPORAL_DB_PASSWORD:-}"

# Runs one temporal-sql-tool command; the tool logs every statement, so its output is shown
# only when it fails.
run() {
  if ! out=$($sql "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "temporal-schema: temporal-sql-tool $* failed for database $db" >&2
    exit 1
  fi
}

setup() {
  db="$1"
  versioned="$2"
  sql="$tool --plugin postgres12 --ep $TEMPORAL_DB_HOST -p ${TEMPORAL_DB_PORT:-5432} -u $TEMPORAL_DB_USER --db $db"
  # Each step is idempotent: create-database keeps an existing database, setup-schema -v 0.0
  # only makes the schema_version table when it is missing, update-schema applies the versions
  # after the database's own.
  run create-database
  run setup-schema -v 0.0
  run update-schema -d "$versioned"
  applied=$(printf '%s\n' "$out" | grep -c 'Schema updated from' || true)
  echo "temporal-schema: $db has the schema of $versioned ($applied versions applied now)"
}

setup "${TEMPORAL_DB:-temporal}" "$TEMPORAL_SCHEMA_DIR/temporal/versioned"
setup "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" "$TEMPORAL_SCHEMA_DIR/visibility/versioned"
