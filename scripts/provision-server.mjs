// Provisions the production-shaped engine of `npm run start:prod` into the cache, built from
// the Go modules as the CLI is (never a prebuilt download): the Temporal server and
// temporal-sql-tool, with the PostgreSQL schema files of the same module copied beside them (the
// module cache may be cleaned), and the Temporal Web UI server. Idempotent: a stamp per version.
// The Dockerfile's engine stage builds the same modules at the same versions.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  COMPOSE_MODULE, COMPOSE_VERSION, composePath, serverPaths, TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_MODULE, TEMPORAL_UI_VERSION,
} from './engine-paths.mjs';
import { goInstall } from './go-install.mjs';

function goEnv(go, name) {
  const r = spawnSync(go, ['env', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go env ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** The Temporal server, temporal-sql-tool and the PostgreSQL v12 schema of the same module. */
export async function provisionTemporalServer({ go, log }) {
  const { serverHome: home, temporalServer, sqlTool, schemaDir } = serverPaths();
  const paths = { temporalServer, sqlTool, schemaDir };
  if (existsSync(join(home, '.complete'))) return paths;
  const partial = `${home}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, 'bin'), { recursive: true });
  await goInstall({
    go, log, gobin: join(partial, 'bin'),
    what: `Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool`,
    expect: 'about 4–7 min on 2 cores',
    packages: [`${TEMPORAL_SERVER_MODULE}/cmd/server`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`]
      .map((p) => `${p}@${TEMPORAL_SERVER_VERSION}`),
  });
  renameSync(join(partial, 'bin', 'server'), join(partial, 'bin', 'temporal-server'));
  renameSync(join(partial, 'bin', 'sql'), join(partial, 'bin', 'temporal-sql-tool'));
  // `go install` has just put the module in the module cache: take its schema files from there.
  const moduleDir = join(goEnv(go, 'GOMODCACHE'), `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`);
  cpSync(join(moduleDir, 'schema', 'postgresql', 'v12'), join(partial, 'schema', 'postgresql', 'v12'), { recursive: true });
  writeFileSync(join(partial, '.complete'), `${new Date().toISOString()}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(partial, home);
  return paths;
}

/** The Temporal Web UI server (its assets are embedded in the module). */
export async function provisionUiServer({ go, log }) {
  const { uiHome: home, uiServer } = serverPaths();
  if (existsSync(join(home, '.complete'))) return { uiServer };
  const partial = `${home}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, 'bin'), { recursive: true });
  await goInstall({
    go, log, gobin: join(partial, 'bin'),
    what: `Temporal UI server ${TEMPORAL_UI_VERSION}`,
    expect: 'under a minute after the server, about 2 min alone',
    packages: [`${TEMPORAL_UI_MODULE}/cmd/server@${TEMPORAL_UI_VERSION}`],
  });
  renameSync(join(partial, 'bin', 'server'), join(partial, 'bin', 'temporal-ui-server'));
  writeFileSync(join(partial, '.complete'), `${new Date().toISOString()}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(partial, home);
  return { uiServer };
}

/**
 * docker compose v2, standalone, for test/compose.test.ts's `docker compose config` (these
 * machines have the Docker client but no compose plugin and no engine). Never committed.
 */
export async function provisionCompose({ cache, go, log }) {
  const target = composePath();
  if (existsSync(target)) return { compose: target };
  const partial = join(cache, 'compose', `${COMPOSE_VERSION}.partial`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await goInstall({
    go, log, gobin: partial, what: `docker compose ${COMPOSE_VERSION}`,
    expect: 'about 3–4 min on 2 cores', packages: [`${COMPOSE_MODULE}/cmd@${COMPOSE_VERSION}`],
  });
  mkdirSync(join(cache, 'compose', COMPOSE_VERSION), { recursive: true });
  renameSync(join(partial, 'cmd'), target);
  rmSync(partial, { recursive: true, force: true });
  return { compose: target };
}
