// docker-compose.yml is the production topology of `npm run start:prod` for a Docker host. No
// Docker engine runs on these machines, so this keeps the two in step: the same parts under the
// same names, the same variables for each, the same programs, databases and shards; the
// engine off the host's interfaces; no placeholder secret; the image compiled on Node 22 LTS.
// `docker compose config` itself checks the file when a compose binary is at hand
// (COMPOSE_BIN, docker-compose on PATH, or `npm run provision -- compose`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_DATABASE } from '../db/embedded';
import { ENTRY_POINTS, WORKFLOW_BUNDLE } from '../scripts/build';
import { composePath, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../scripts/engine-paths.mjs';
import { loadProdConfig } from '../scripts/prod/config';
import { engineDbOf, LOCAL_ONLY_SERVER_VARIABLES, schemaEnv } from '../scripts/prod/engine-env';
import { partsOf } from '../scripts/prod/parts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true });
const services = compose.services as Record<string, any>;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

const local = loadProdConfig({ DATA_DIR: tmpdir() });
const databaseUrl = `postgres://discipline:pw@postgresql:5432/${EMBEDDED_DATABASE}`;
const db = engineDbOf(databaseUrl, {});
const auth = { jwks: '{"keys":[]}', appToken: 'app.token', uiToken: 'ui.token' };
const parts = partsOf(local, { databaseUrl, targetIdKey: 'k'.repeat(64), db, engine: { temporalServer: 'temporal-server', uiServer: 'temporal-ui-server' }, auth });
const LOCAL_ONLY: Record<string, string[]> = { 'temporal-server': LOCAL_ONLY_SERVER_VARIABLES };
const envKeys = (env: Record<string, unknown>) => Object.keys(env ?? {}).sort();

describe('docker-compose.yml and npm run start:prod', () => {
  it('have the same parts under the same names, plus the one-shot ones and PostgreSQL', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...parts.map((p) => p.name), 'preflight', 'postgresql', 'temporal-schema', 'bootstrap'].sort());
  });

  it.each(parts.map((p) => [p.name, p] as const))('%s: the same variables', (name, part) => {
    const want = Object.keys(part.env).filter((k) => !LOCAL_ONLY[name]?.includes(k)).sort();
    expect(envKeys(services[name].environment)).toEqual(want);
  });

  it('temporal-schema: the same variables as temporal-schema.sh gets from start:prod', () => {
    expect(envKeys(services['temporal-schema'].environment)).toEqual(envKeys(schemaEnv(local, db, { sqlTool: 'x', schemaDir: 'x' })));
  });

  it.each(parts.filter((p) => p.cmd === process.execPath).map((p) => [p.name, p] as const))('%s: the same compiled program, built from an entry point of npm run build', (name, part) => {
    const program = relative(ROOT, part.args[0]);
    expect(services[name].command).toEqual(['node', program, ...part.args.slice(1)]);
    expect(ENTRY_POINTS).toContain(program.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
  });

  it('the same databases (discipline, temporal, temporal_visibility) and 4 history shards', () => {
    expect(new URL(services['api-1'].environment.DATABASE_URL.replace(/\$\{[^}]*\}/, 'x')).pathname).toBe(`/${EMBEDDED_DATABASE}`);
    expect(services.postgresql.environment.POSTGRES_DB).toBe(EMBEDDED_DATABASE);
    for (const name of ['temporal-schema', 'temporal-server']) {
      expect(services[name].environment).toMatchObject({ TEMPORAL_DB: local.temporal.db, TEMPORAL_VISIBILITY_DB: local.temporal.visibilityDb });
    }
    expect(local.temporal.shards).toBeGreaterThanOrEqual(4);
    expect(services['temporal-server'].environment.TEMPORAL_HISTORY_SHARDS).toBe(String(local.temporal.shards));
  });

  it('the worker loads the prebuilt workflow bundle of npm run build', () => {
    expect(services['worker-1'].environment.WORKFLOW_BUNDLE).toBe(`/app/${relative(ROOT, WORKFLOW_BUNDLE)}`);
  });
});

describe('docker-compose.yml on its own', () => {
  it('keeps PostgreSQL, the engine, its key set, its UI server and the API instances on the internal network; the UI on the host loopback only', () => {
    expect(compose.networks.internal.internal).toBe(true);
    for (const name of ['postgresql', 'temporal-schema', 'temporal-server', 'temporal-jwks', 'temporal-ui', 'api-1', 'api-2', 'bootstrap']) {
      expect(services[name].networks, name).toEqual(['internal']);
      expect(services[name].ports, name).toBeUndefined();
    }
    const published = Object.entries(services).filter(([, s]) => s.ports).map(([name]) => name).sort();
    expect(published).toEqual(['proxy', 'temporal-ui-proxy']);
    expect(services['temporal-ui-proxy'].ports).toEqual(['127.0.0.1:${TEMPORAL_UI_PORT:-8233}:8080']);
    expect(services.proxy.ports).toHaveLength(1);
  });

  it('the engine requires a token: the default authorizer and claim mapper, every app part presenting one', () => {
    expect(services['temporal-server'].environment.TEMPORAL_JWKS_URL).toBe('http://temporal-jwks:7247/.well-known/jwks.json');
    expect(services['temporal-server'].environment).toMatchObject({ TEMPORAL_BIND_IP: '0.0.0.0', TEMPORAL_INTERNAL_BIND_IP: '127.0.0.1' });
    const start = readFileSync(join(ROOT, 'scripts/prod/temporal-server.sh'), 'utf8').split('exec ')[1];
    expect(start).not.toMatch(/--allow-no-auth/);
    expect(start).toMatch(/--service internal-frontend/);
    const template = readFileSync(join(ROOT, 'scripts/prod/temporal-server/production.yaml'), 'utf8');
    expect(template).toMatch(/authorizer: default/);
    expect(template).toMatch(/claimMapper: default/);
    for (const name of ['worker-1', 'worker-2', 'api-1', 'api-2']) expect(services[name].environment.TEMPORAL_AUTH_TOKEN, name).toMatch(/^\$\{TEMPORAL_APP_TOKEN:\?/);
    expect(services.bootstrap.environment.TEMPORAL_AUTH_TOKEN).toMatch(/^\$\{TEMPORAL_ADMIN_TOKEN:\?/);
    expect(services['temporal-ui-proxy'].environment.UPSTREAM_AUTHORIZATION).toMatch(/^Bearer \$\{TEMPORAL_UI_TOKEN:\?/);
  });

  it('the workers and the APIs connect to PostgreSQL as the app role; the owner only migrates', () => {
    for (const name of ['worker-1', 'api-1']) expect(services[name].environment.DATABASE_URL, name).toMatch(/^postgres:\/\/discipline_app:/);
    for (const name of ['bootstrap', 'preflight']) expect(services[name].environment.DATABASE_URL, name).toMatch(/^postgres:\/\/discipline:/);
  });

  it('has no default for a secret: the key, the passwords, the engine\'s key set and tokens are required wherever they are used', () => {
    const uses = [...composeText.matchAll(/\$\{(TARGET_ID_KEY|POSTGRES_PASSWORD|APP_DATABASE_PASSWORD|TEMPORAL_JWKS|TEMPORAL_(?:APP|UI|ADMIN)_TOKEN)([^}]*)\}/g)];
    expect(new Set(uses.map((u) => u[1])).size).toBe(7);
    expect(uses.length).toBeGreaterThanOrEqual(10);
    for (const [use, , rest] of uses) expect(rest, use).toMatch(/^:\?/);
    expect(composeText).not.toMatch(/change-me/);
  });

  it('checks the secrets before anything starts and bootstraps before the workers and the APIs', () => {
    expect(services.preflight.command).toEqual(['node', 'dist/scripts/prod/setup.js', 'preflight']);
    expect(services.postgresql.depends_on.preflight.condition).toBe('service_completed_successfully');
    expect(services.bootstrap.command).toEqual(['node', 'dist/scripts/prod/setup.js', 'bootstrap']);
    expect(services.bootstrap.environment.ADMIN_KEY_FILE).toMatch(/^\/run\/operator\//);
    for (const name of ['worker-1', 'worker-2', 'api-1', 'api-2']) {
      expect(services[name].depends_on.bootstrap.condition, name).toBe('service_completed_successfully');
    }
  });

  it('is built from a Dockerfile that compiles on Node 22 LTS and builds the engine at the versions start:prod builds', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/api\/server\.js"\]$/m);
    expect(dockerfile).not.toMatch(/tsx/);
    expect(dockerfile).toContain(`ARG TEMPORAL_SERVER_VERSION=${TEMPORAL_SERVER_VERSION}`);
    expect(dockerfile).toContain(`ARG TEMPORAL_UI_VERSION=${TEMPORAL_UI_VERSION}`);
    for (const dir of ['scripts/prod/temporal-server/', 'scripts/prod/temporal-ui/', 'scripts/prod/temporal-schema.sh', 'scripts/prod/temporal-server.sh']) {
      expect(dockerfile).toContain(`COPY ${dir} `);
      expect(existsSync(join(ROOT, dir))).toBe(true);
    }
  });
});

function findCompose(): string[] | null {
  if (process.env.COMPOSE_BIN) return [process.env.COMPOSE_BIN];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'docker-compose'))) return [join(dir, 'docker-compose')];
  }
  if (existsSync(composePath())) return [composePath()];
  const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  return plugin.status === 0 ? ['docker', 'compose'] : null;
}

const composeCli = findCompose();
const SECRETS = {
  TARGET_ID_KEY: 'a'.repeat(8) + 'b'.repeat(56), POSTGRES_PASSWORD: 'c'.repeat(24), APP_DATABASE_PASSWORD: 'd'.repeat(24),
  TEMPORAL_JWKS: '{"keys":[]}', TEMPORAL_APP_TOKEN: 'app.token.x', TEMPORAL_UI_TOKEN: 'ui.token.x', TEMPORAL_ADMIN_TOKEN: 'admin.token.x',
};

function config(env: Record<string, string>) {
  const [cmd, ...pre] = composeCli!;
  const base = Object.fromEntries(['PATH', 'HOME'].map((k) => [k, process.env[k] ?? '']));
  return spawnSync(cmd, [...pre, 'config', '--format', 'json'], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8' });
}

describe.skipIf(!composeCli)(`docker compose config (${composeCli?.join(' ') ?? 'no compose binary: npm run provision -- compose'})`, () => {
  it.each(Object.keys(SECRETS))('refuses the file without %s, naming it', (missing) => {
    const r = config(Object.fromEntries(Object.entries(SECRETS).filter(([k]) => k !== missing)));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`required variable ${missing} is missing a value`);
  });

  it('accepts it with both secrets, every service as written', () => {
    const r = config(SECRETS);
    expect(r.status, r.stderr).toBe(0);
    const rendered = JSON.parse(r.stdout);
    expect(Object.keys(rendered.services).sort()).toEqual(Object.keys(services).sort());
    expect(rendered.services['api-1'].environment.TARGET_ID_KEY).toBe(SECRETS.TARGET_ID_KEY);
  });
});
