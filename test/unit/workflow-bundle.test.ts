// Issue 17: what the workflow bundle shares between workflows and what it leaves out
// (worker/bundle.ts). A preloaded module is evaluated once per workflow thread and seen by every
// workflow of the reused V8 context, so it must keep no state and reach nothing that does.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleOptions, sharedModules } from '../../worker/bundle';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/telemetry';

const DOMAIN = fileURLToPath(new URL('../../domain/', import.meta.url));

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);
}

describe('issue 17: the workflow bundle', () => {
  it('shares the domain modules, and every one of them imports only domain modules', () => {
    const shared = sharedModules();
    expect(shared.map((f) => relative(DOMAIN, f))).toEqual(expect.arrayContaining(['steps.ts', 'working-days.ts', 'loop/book.ts', 'scoring/score.ts']));
    for (const file of shared) {
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('.'), `${relative(DOMAIN, file)} imports ${spec}`).toBe(true);
        expect(relative(DOMAIN, resolve(dirname(file), spec)).startsWith('..'), `${relative(DOMAIN, file)} imports ${spec}, outside domain/`).toBe(false);
      }
    }
  });

  it('shares no module that keeps state of its own (no top-level let or var)', () => {
    for (const file of sharedModules()) {
      const topLevel = readFileSync(file, 'utf8').split('\n').filter((line) => /^(export\s+)?(let|var)\s/.test(line));
      expect(topLevel, relative(DOMAIN, file)).toEqual([]);
    }
  });

  it('leaves the tracing interceptors out unless traced, and preloads the same modules either way', () => {
    expect(bundleOptions().workflowInterceptorModules).toBeUndefined();
    expect(bundleOptions({ traced: true }).workflowInterceptorModules).toEqual(WORKFLOW_INTERCEPTOR_MODULES);
    expect(bundleOptions().preloadModules).toEqual(sharedModules());
    expect(bundleOptions({ traced: true }).preloadModules).toEqual(sharedModules());
  });
});
