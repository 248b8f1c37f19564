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
const parts = partsOf(local, { databaseUrl, targetIdKey: 'k'.repeat(64), db, engine: { temporalServer: 'temporal-server', uiServer: 'temporal-ui-server' } });
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
    expect(services[name].command).toEqual(['node', program]);
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
  it('keeps PostgreSQL, the engine and the API instances on the internal network; the UI on the host loopback only', () => {
    expect(compose.networks.internal.internal).toBe(true);
    for (const name of ['postgresql', 'temporal-schema', 'temporal-server', 'api-1', 'api-2', 'bootstrap']) {
      expect(services[name].networks, name).toEqual(['internal']);
      expect(services[name].ports, name).toBeUndefined();
    }
    expect(services['temporal-ui'].ports.every((p: string) => p.startsWith('127.0.0.1:'))).toBe(true);
    expect(services.proxy.ports).toHaveLength(1);
  });

  it('has no default for a secret: TARGET_ID_KEY and POSTGRES_PASSWORD are required wherever they are used', () => {
    const uses = [...composeText.matchAll(/\$\{(TARGET_ID_KEY|POSTGRES_PASSWORD)([^}]*)\}/g)];
    expect(uses.length).toBeGreaterThanOrEqual(4);
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
const SECRETS = { TARGET_ID_KEY: 'a'.repeat(8) + 'b'.repeat(56), POSTGRES_PASSWORD: 'c'.repeat(24) };

function config(env: Record<string, string>) {
  const [cmd, ...pre] = composeCli!;
  const base = Object.fromEntries(['PATH', 'HOME'].map((k) => [k, process.env[k] ?? '']));
  return spawnSync(cmd, [...pre, 'config', '--format', 'json'], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8' });
}

describe.skipIf(!composeCli)(`docker compose config (${composeCli?.join(' ') ?? 'no compose binary: npm run provision -- compose'})`, () => {
  it.each(['TARGET_ID_KEY', 'POSTGRES_PASSWORD'])('refuses the file without %s, naming it', (missing) => {
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
