// Workflow code must stay deterministic: no Node built-ins, database, HTTP or clock libraries
// may reach the workflow bundle. Everything in workflows/ imports only the workflow SDK, other
// workflow files, the pure domain/ modules, or types (erased at build).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../workflows/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const ALLOWED = [/^@temporalio\/workflow$/, /^@temporalio\/common$/, /^\.\/[\w-]+$/, /^\.\.\/domain\/[\w-]+$/];

describe('the workflow bundle', () => {
  it.each(files)('%s imports nothing but the workflow SDK, workflow files, pure domain modules and types', (file) => {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const offending = [...source.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)';/gms)]
      .filter(([, typeOnly, from]) => !typeOnly && !ALLOWED.some((re) => re.test(from)))
      .map(([, , from]) => from);
    expect(offending).toEqual([]);
  });

  it('domain modules the workflows use are pure: no imports outside domain/', () => {
    const domain = new URL('../../domain/', import.meta.url);
    for (const file of readdirSync(domain).filter((f) => f.endsWith('.ts'))) {
      const imports = [...readFileSync(new URL(file, domain), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((i) => !i.startsWith('./')), file).toEqual([]);
    }
  });
});
