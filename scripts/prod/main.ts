// `npm run start:prod`: the production topology on this machine, as docker-compose.yml runs it.
//   PostgreSQL   embedded on PG_PORT (or DATABASE_URL), with the app's database and Temporal's two
//   engine       the Temporal server (≥ 4 history shards) persisting to PostgreSQL, its schemas
//                set up by temporal-sql-tool, and the Temporal Web UI server
//   setup        migrations, holiday years, measure lists, the first ADMIN key, the namespace
//   workers      worker-1, worker-2 (the prebuilt workflow bundle)
//   API          api-1, api-2 on PORT+1, PORT+2, behind the round-robin proxy on PORT
// The app runs the compiled JavaScript of dist/ (built here when the sources changed). Ctrl-C or
// SIGTERM stops the proxy, the APIs, the workers, the engine and the database in that order.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../db/embedded';
import { appPassword, appUrlOf, enableAppLogin } from '../../db/roles';
import { build, isBuilt } from '../build';
import { readServerPaths } from '../engine-paths.mjs';
import { assertPortsFree } from '../port-check';
import { API_INSTANCES, loadProdConfig, portsOf, WORKERS } from './config';
import { ensureEngineKey, JWKS_PATH, mintToken } from './engine-auth';
import { engineDbOf, SCHEMA_SCRIPT, schemaEnv } from './engine-env';
import { partsOf } from './parts';
import { ensureFirstAdmin, ensureNamespace, prepareDatabase, secretProblems } from './setup';
import { Supervisor } from './supervisor';

const say = (line: string) => process.stdout.write(`[prod] ${line}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
let embeddedDb: EmbeddedDb | undefined;
let closing = false;
let supervisor: Supervisor | undefined;

async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  say('stopping');
  if (supervisor) await supervisor.stop([/^proxy$/, /^api-/, /^worker-/, /^temporal-ui/, /^temporal-server$/, /^temporal-jwks$/]);
  if (embeddedDb) await embeddedDb.stop().catch(() => {});
  say('stopped');
  process.exit(code);
}

async function waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  while (!closing) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`${what} did not answer within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function targetIdKey(dataDir: string, embedded: boolean): string {
  if (process.env.TARGET_ID_KEY) return process.env.TARGET_ID_KEY;
  if (!embedded) throw new Error('TARGET_ID_KEY must be set when DATABASE_URL points to an external database');
  const file = join(dataDir, 'target-id.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));
  if (process.env.TEMPORAL_ADDRESS) throw new Error('start:prod runs its own Temporal server: unset TEMPORAL_ADDRESS (TEMPORAL_PORT moves it)');
  const c = loadProdConfig();
  await assertPortsFree(portsOf(c));
  const engine = readServerPaths();
  mkdirSync(c.dataDir, { recursive: true });
  const sup = new Supervisor(c.dataDir, say, (why) => {
    say(why);
    void shutdown(1);
  });
  supervisor = sup;

  if (!isBuilt()) {
    say('building dist/ (the sources changed since the last build)');
    await build((line) => say(`build: ${line}`));
  }

  let databaseUrl = c.app.databaseUrl;
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL on 127.0.0.1:${c.app.pgPort} (data in ${join(c.dataDir, 'pg')})`);
    embeddedDb = await startEmbeddedPostgres({ dataDir: c.dataDir, port: c.app.pgPort });
    databaseUrl = embeddedDb.url;
  }
  const key = targetIdKey(c.dataDir, Boolean(embeddedDb));
  const problems = secretProblems({ ...process.env, TARGET_ID_KEY: key, DATABASE_URL: databaseUrl }, { embeddedDb: Boolean(embeddedDb) });
  if (problems.length) throw new Error(`not secrets of your own:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const db = engineDbOf(databaseUrl);
  say(`setting up Temporal's databases ${c.temporal.db} and ${c.temporal.visibilityDb} with temporal-sql-tool`);
  const schema = spawnSync('sh', [SCHEMA_SCRIPT], { env: { ...process.env, ...schemaEnv(c, db, engine) }, encoding: 'utf8' });
  if (schema.status !== 0) throw new Error(`temporal-schema.sh failed:\n${schema.stdout}${schema.stderr}`);
  for (const line of schema.stdout.trim().split('\n')) say(line);

  // The workers and the APIs connect as the app's role (README, "Security"); the setup as the owner.
  const appPw = appPassword(c.dataDir);
  // The engine requires a token signed with the operator's key (DATA_DIR/engine-auth, owner-only);
  // each part gets one with what it needs, minted at every start.
  const engineKey = await ensureEngineKey(join(c.dataDir, 'engine-auth'));
  const namespace = c.app.temporalNamespace;
  const auth = {
    jwks: engineKey.jwks,
    appToken: await mintToken(engineKey.privateJwk, 'app', { namespace }),
    uiToken: await mintToken(engineKey.privateJwk, 'ui', { namespace }),
  };
  const adminToken = await mintToken(engineKey.privateJwk, 'admin', { namespace, days: 1, subject: 'joint-discipline-setup' });
  const parts = partsOf(c, { databaseUrl: appUrlOf(databaseUrl, appPw), targetIdKey: key, db, engine, auth });
  const part = (name: string) => parts.find((p) => p.name === name)!;
  sup.start(part('temporal-jwks'));
  await waitFor("the engine's public key set", 30_000, async () => (await fetch(`http://127.0.0.1:${c.temporal.jwksPort}${JWKS_PATH}`)).status === 200);
  say(`starting the Temporal server on ${c.app.temporalAddress} (${c.temporal.shards} history shards, authentication required; log in ${join(c.dataDir, 'logs')})`);
  sup.start(part('temporal-server'));
  await waitFor('the Temporal server', 120_000, async () => {
    const connection = await Connection.connect({ address: c.app.temporalAddress, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  });

  await prepareDatabase(databaseUrl, say);
  await enableAppLogin(databaseUrl, appPw);
  await ensureFirstAdmin(databaseUrl, c.adminKeyFile, say);
  await ensureNamespace(c.app.temporalAddress, c.app.temporalNamespace, say, adminToken);

  for (const p of parts.filter((p) => p.name !== 'temporal-server' && p.name !== 'temporal-jwks')) sup.start(p);
  const upstreams = c.apiPorts.map((port) => `127.0.0.1:${port}`).join(',');
  await Promise.all([
    ...Array.from({ length: WORKERS }, (_, i) => sup.waitLine(`worker-${i + 1}`, /^worker polling/, 90_000)),
    ...c.apiPorts.map((port, i) => waitFor(`api-${i + 1}`, 90_000, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200)),
    waitFor('the Temporal UI', 60_000, async () => (await fetch(`http://127.0.0.1:${c.app.temporalUiPort}/`)).status === 200),
  ]);
  const api = `http://${c.app.host === '0.0.0.0' ? '127.0.0.1' : c.app.host}:${c.app.port}`;
  // X-Served-By: the answer comes from this topology's proxy, not another program on the port.
  await waitFor('the API proxy', 30_000, async () => {
    const res = await fetch(`${api}/health`);
    return res.status === 200 && res.headers.has('x-served-by');
  });
  if (closing) return;
  sup.up = true;
  process.stdout.write([
    '',
    `Joint discipline closed loop (production topology) is up in ${elapsed()}:`,
    `  API          ${api}   (round robin over api-1…api-${API_INSTANCES}: ${upstreams})`,
    `  Dashboard    ${api}/`,
    `  Temporal UI  http://127.0.0.1:${c.app.temporalUiPort}`,
    `  Temporal     ${c.app.temporalAddress} (namespace ${c.app.temporalNamespace}, ${c.temporal.shards} history shards; a token signed with ${join(c.dataDir, 'engine-auth', 'signing-key.jwk')} required)`,
    `  Workers      ${WORKERS} (worker-1…worker-${WORKERS}, prebuilt workflow bundle)`,
    `  PostgreSQL   ${embeddedDb ? `embedded, 127.0.0.1:${c.app.pgPort}` : 'DATABASE_URL'}: discipline, ${c.temporal.db}, ${c.temporal.visibilityDb}`,
    `  ADMIN key    ${c.adminKeyFile} (readable by its owner only; the ADMIN makes the other agencies)`,
    `  Processes    ${join(c.dataDir, 'processes.json')}; engine logs in ${join(c.dataDir, 'logs')}`,
    '',
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n'));
}

main().catch(async (err) => {
  say(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
