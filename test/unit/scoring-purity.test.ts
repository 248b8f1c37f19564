// R15: the evaluator will run inside Temporal workflow code, so domain/scoring/ must stay
// deterministic and small: nothing from Node, no JSON Schema library, no clock, no randomness.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../domain/scoring/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('R15 evaluator purity', () => {
  it('R15: domain/scoring has the evaluator files', () => {
    expect(files).toEqual(expect.arrayContaining(['acts.ts', 'index.ts', 'listings.ts', 'points.ts', 'policy.ts', 'score.ts']));
  });

  it.each(files)('R15: domain/scoring/%s imports only its siblings and the pure domain date helpers', (file) => {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => !/^\.\/[\w-]+$/.test(i) && !/^\.\.\/(dates|periods)$/.test(i))).toEqual([]);
  });

  it.each(files)('R15: domain/scoring/%s reads no clock and draws no random numbers', (file) => {
    const source = readFileSync(new URL(file, dir), 'utf8');
    expect(source.match(/Date\.now|new Date\(|Math\.random|performance\.now|process\./g)).toBeNull();
  });

  it.each(files)('R15: domain/scoring/%s stays under 300 lines', (file) => {
    expect(readFileSync(new URL(file, dir), 'utf8').split('\n').length).toBeLessThan(300);
  });
});
