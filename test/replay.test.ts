// Replays every recorded workflow history in test/histories/ with the current workflow code.
// A change that would break running workflows (a non-determinism error) fails here; version
// such changes with patched(). Record new histories with `npm run test:record-histories`.
import { readdirSync, readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from './support/engine';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays with the current workflow code', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [
      { workflowId: file.replace(/\.json$/, ''), history },
    ]);
    let replayed = 0;
    for await (const result of results) {
      replayed += 1;
      expect(result.error, `${file}: ${result.error?.message}`).toBeUndefined();
    }
    expect(replayed).toBe(1);
  });
});
