// Where the provisioned engine binaries live. Node built-ins only: the bootstrap
// imports this before dependencies are installed.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

export const PROJECT = 'joint-discipline';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// v1.5.1 is the newest CLI release without replace directives, so `go install` works.
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
// The Temporal server the CLI v1.5.1 embeds, as a server binary of its own (the production-shaped
// topology, `npm run start:prod`), with temporal-sql-tool and the PostgreSQL schema of the same
// module; and the Web UI server the same CLI embeds, on its own. Neither has replace directives.
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_MODULE = 'github.com/temporalio/ui-server/v2';
export const TEMPORAL_UI_VERSION = 'v2.42.1';
// docker compose v2 for test/compose.test.ts only (scripts/provision-server.mjs).
export const COMPOSE_MODULE = 'github.com/docker/compose/v2';
export const COMPOSE_VERSION = 'v2.29.7';
// Newest io.temporal:temporal-test-server on Maven Central when this was written.
export const TEST_SERVER_VERSION = process.env.TEMPORAL_TEST_SERVER_VERSION ?? '1.38.0';

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, PROJECT);
}

export function manifestPath() {
  return join(cacheDir(), 'engine.json');
}

/** What scripts/provision.mjs has written so far ({} before its first run). */
export function readManifest() {
  const file = manifestPath();
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

function need(paths, key, hint) {
  if (!paths[key]) {
    throw new Error(`engine not provisioned (${key} missing from ${manifestPath()}): run "${hint}"`);
  }
  return paths[key];
}

/**
 * How the dev server keeps its SQLite file (`npm start`, the fault tests): a write-ahead log,
 * still synced at every commit, so as durable as the default rollback journal with fewer syncs
 * (issue 17: the engine's own update-with-start reference ran 1.5 times as fast).
 */
export const DEV_SERVER_SQLITE_ARGS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=full'];

/** The paths written by scripts/provision.mjs: { temporalCli, testServer }. */
export function readEnginePaths() {
  const paths = readManifest();
  return {
    temporalCli: process.env.TEMPORAL_CLI_PATH || need(paths, 'temporalCli', 'npm run provision'),
    testServer: process.env.TEMPORAL_TEST_SERVER_PATH || need(paths, 'testServer', 'npm run provision'),
  };
}

/**
 * Where the production-shaped engine lives in the cache, by version, and whether it is complete
 * (each directory has its `.complete` stamp). Not in the manifest: other checkouts' provisioning
 * rewrites that file whole, and these paths follow from the versions alone.
 */
export function serverPaths() {
  const server = join(cacheDir(), 'temporal-server', TEMPORAL_SERVER_VERSION);
  const ui = join(cacheDir(), 'temporal-ui', TEMPORAL_UI_VERSION);
  return {
    serverHome: server,
    uiHome: ui,
    temporalServer: join(server, 'bin', 'temporal-server'),
    sqlTool: join(server, 'bin', 'temporal-sql-tool'),
    schemaDir: join(server, 'schema', 'postgresql', 'v12'),
    uiServer: join(ui, 'bin', 'temporal-ui-server'),
    complete: existsSync(join(server, '.complete')) && existsSync(join(ui, '.complete')),
  };
}

/** The production-shaped engine: { temporalServer, sqlTool, schemaDir, uiServer }. */
export function readServerPaths() {
  const { temporalServer, sqlTool, schemaDir, uiServer, complete } = serverPaths();
  if (!complete) {
    throw new Error(`the Temporal server is not provisioned in ${cacheDir()}: run "npm run provision -- server" (npm run start:prod does)`);
  }
  return { temporalServer, sqlTool, schemaDir, uiServer };
}

/** Where `npm run provision -- compose` puts docker compose. */
export function composePath() {
  return join(cacheDir(), 'compose', COMPOSE_VERSION, 'docker-compose');
}
