// Workflow code must stay deterministic: no Node built-ins, database, HTTP or clock libraries
// may reach the workflow bundle. Everything in workflows/ imports only the workflow SDK, other
// workflow files, the pure domain/ modules, or types (erased at build).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflows = join(root, 'workflows');
const files = (readdirSync(workflows, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
const SDK = [/^@temporalio\/workflow$/, /^@temporalio\/common$/];

/** A relative import is allowed when it stays inside workflows/ or domain/. */
function allowed(file: string, from: string): boolean {
  if (SDK.some((re) => re.test(from))) return true;
  if (!from.startsWith('.')) return false;
  const target = relative(root, resolve(dirname(join(workflows, file)), from));
  return target.startsWith('workflows/') || target.startsWith('domain/');
}

describe('the workflow bundle', () => {
  it.each(files)('%s imports nothing but the workflow SDK, workflow files, pure domain modules and types', (file) => {
    const source = readFileSync(join(workflows, file), 'utf8');
    const offending = [...source.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)';/gms)]
      .filter(([, typeOnly, from]) => !typeOnly && !allowed(file, from))
      .map(([, , from]) => from);
    expect(offending).toEqual([]);
  });

  it('domain modules the workflows use are pure: no imports outside domain/', () => {
    const domain = join(root, 'domain');
    for (const file of (readdirSync(domain, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))) {
      const imports = [...readFileSync(join(domain, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((i) => !i.startsWith('.') || relative(root, resolve(dirname(join(domain, file)), i)).startsWith('..')), file).toEqual([]);
    }
  });
});
