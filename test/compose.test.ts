// docker-compose.yml cannot be started on these machines (no Docker engine), so this keeps it
// in step with the code: every part is there, commands name files that exist, the search
// attributes match workflows/search-attributes.ts, and the app's variables are ones it reads.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true });
const services = compose.services as Record<string, any>;
const configSource = readFileSync(new URL('config/env.ts', root), 'utf8');

describe('docker-compose.yml', () => {
  it('describes PostgreSQL with a healthcheck, Temporal on PostgreSQL, the UI, the worker and the API', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'worker', 'api']));
    expect(services.postgresql.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services.worker.build).toBe('.');
    expect(services.api.build).toBe('.');
    expect(existsSync(new URL('Dockerfile', root))).toBe(true);
  });

  it.each(['worker', 'api', 'migrate'])('%s runs a file that exists in the repository', (name) => {
    const command: string[] = services[name].command;
    const file = command.find((part) => part.endsWith('.ts'));
    expect(file).toBeDefined();
    expect(existsSync(new URL(file!, root))).toBe(true);
  });

  it('registers exactly the search attributes the workflows use, with their types', () => {
    const script: string = services['temporal-setup'].command.join(' ');
    const registered = [...script.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(registered)).toEqual(SEARCH_ATTRIBUTES);
  });

  it.each(['worker', 'api'])('%s is configured only with variables config/env.ts reads', (name) => {
    for (const variable of Object.keys(services[name].environment)) {
      expect(configSource, `${name}: ${variable}`).toMatch(new RegExp(`env\\.${variable}\\b|'${variable}'`));
    }
  });
});
