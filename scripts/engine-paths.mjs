// Where the provisioned engine binaries live. Node built-ins only: the bootstrap
// imports this before dependencies are installed.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

export const PROJECT = 'joint-discipline';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// v1.5.1 is the newest CLI release without replace directives, so `go install` works.
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
// Newest io.temporal:temporal-test-server on Maven Central when this was written.
export const TEST_SERVER_VERSION = process.env.TEMPORAL_TEST_SERVER_VERSION ?? '1.38.0';

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, PROJECT);
}

export function manifestPath() {
  return join(cacheDir(), 'engine.json');
}

/** The paths written by scripts/provision.mjs: { temporalCli, testServer }. */
export function readEnginePaths() {
  const file = manifestPath();
  if (!existsSync(file)) {
    throw new Error(`engine not provisioned (${file} missing): run "npm run provision"`);
  }
  const paths = JSON.parse(readFileSync(file, 'utf8'));
  return {
    temporalCli: process.env.TEMPORAL_CLI_PATH || paths.temporalCli,
    testServer: process.env.TEMPORAL_TEST_SERVER_PATH || paths.testServer,
  };
}
