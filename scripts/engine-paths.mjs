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

/** The paths written by scripts/provision.mjs: { temporalCli, testServer }. */
export function readEnginePaths() {
  const paths = readManifest();
  return {
    temporalCli: process.env.TEMPORAL_CLI_PATH || need(paths, 'temporalCli', 'npm run provision'),
    testServer: process.env.TEMPORAL_TEST_SERVER_PATH || need(paths, 'testServer', 'npm run provision'),
  };
}

/** The production-shaped engine: { temporalServer, sqlTool, schemaDir, uiServer }. */
export function readServerPaths() {
  const paths = readManifest();
  const hint = 'npm run provision -- server';
  return {
    temporalServer: need(paths, 'temporalServer', hint),
    sqlTool: need(paths, 'sqlTool', hint),
    schemaDir: need(paths, 'schemaDir', hint),
    uiServer: need(paths, 'uiServer', hint),
  };
}
