// Bulk import (issue 17): N cases already in force (received, pushed, acknowledged, in force for
// 55 days) uploaded as one JSON-lines file through POST /imports by the ADMIN, for the demo
// ENFORCEMENT agency; the figure is how long until every row is filed into its target's
// workflow, beside the engine's reference (update-with-start + one row) at the import's own
// concurrency (api/imports/runner.ts: 16 rows at a time) in the same run.
import { RUNNER_DEFAULTS } from '../../../api/imports/runner';
import type { BenchContext } from '../context';
import { importFiled, inForceRows, uploadImport } from '../import-file';
import { perSecond, ratio } from '../measure';
import { engineCeiling, engineReference } from './intake';

export async function importsScenario(ctx: BenchContext) {
  const n = ctx.opts.imports;
  const engine = await engineReference(ctx, Math.min(n, 1000), RUNNER_DEFAULTS.concurrency);
  const engineLocal = await engineReference(ctx, Math.min(n, 1000), RUNNER_DEFAULTS.concurrency, true);
  // Issue 17 asks 200 cases/s: the engine's own rate for one empty workflow per case bounds it.
  const ceiling = await engineCeiling(ctx, Math.min(n, 1000), [RUNNER_DEFAULTS.concurrency, 4 * RUNNER_DEFAULTS.concurrency]);
  const lines = inForceRows(ctx, n);
  const t0 = performance.now();
  const { answered, uploadMs } = await uploadImport(ctx, lines);
  const last = await importFiled(ctx, answered.id);
  const totalMs = performance.now() - t0;
  return {
    rows: n,
    accepted: last.accepted,
    refused: last.refused,
    filed: last.done,
    checkedInRequestMs: Math.round(uploadMs),
    allFiledMs: Math.round(totalMs),
    casesPerSec: perSecond(last.done, totalMs),
    filingCasesPerSec: perSecond(last.done, totalMs - uploadMs),
    engine,
    engineLocal,
    engineCeiling: ceiling,
    ratioToEngine: ratio(perSecond(last.done, totalMs), engine.recordedPerSec),
    ratioToEngineLocal: ratio(perSecond(last.done, totalMs), engineLocal.recordedPerSec),
  };
}
