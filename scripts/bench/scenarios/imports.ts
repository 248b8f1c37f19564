// Bulk import (issue 17): N cases already in force (received, pushed, acknowledged, in force for
// 55 days) uploaded as one JSON-lines file through POST /imports by the ADMIN, for the demo
// ENFORCEMENT agency; the figure is how long until every row is filed into its target's
// workflow, beside the engine's reference (update-with-start + one row) at the import's own
// concurrency (api/imports/runner.ts: 16 rows at a time) in the same run.
import { addDays, shanghaiDateOf } from '../../../domain/dates';
import { RUNNER_DEFAULTS } from '../../../api/imports/runner';
import { implementerId, type BenchContext } from '../context';
import { log, perSecond, round, waitUntil } from '../measure';
import { BENCH_MEASURE } from '../targets';
import { engineReference } from './intake';

interface ImportView { id: string; status: string; total: number; accepted: number; refused: number; done: number; refusedRows: unknown[] }

export async function importsScenario(ctx: BenchContext) {
  const n = ctx.opts.imports;
  const enforcement = ctx.stack.agencies.find((a) => a.roles.includes('ENFORCEMENT'));
  const adminKey = ctx.stack.keys.ADMIN;
  if (!enforcement || !adminKey) throw new Error('the stack has no demo ENFORCEMENT or ADMIN agency');
  const engine = await engineReference(ctx, Math.min(n, 1000), RUNNER_DEFAULTS.concurrency);

  const today = shanghaiDateOf(new Date());
  const day = (d: number) => addDays(today, d);
  const implementer = implementerId(ctx);
  const lines = Array.from({ length: n }, () => JSON.stringify({
    ...ctx.factory.penaltyDecision(60), filedBy: enforcement.id,
    taken: {
      filedOn: day(-58), receivedOn: day(-57), implementers: [{ agencyId: implementer, measures: [BENCH_MEASURE] }],
      pushedOn: day(-56), acknowledgedOn: day(-55),
    },
  }));
  const file = Buffer.from(`${lines.join('\n')}\n`);
  log(`imports: uploading ${n} rows (${round(file.length / 2 ** 20, 2)} MiB of JSON lines)`);
  const t0 = performance.now();
  const res = await fetch(`${ctx.stack.api}/imports`, {
    method: 'POST', body: file,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/x-ndjson' },
    signal: AbortSignal.timeout(600_000),
  });
  const answered = await res.json() as ImportView;
  const uploadMs = performance.now() - t0;
  if (res.status >= 300) throw new Error(`POST /imports → ${res.status} ${JSON.stringify(answered).slice(0, 300)}`);
  log(`imports: checked in ${Math.round(uploadMs)} ms, ${answered.accepted} accepted, ${answered.refused} refused; filing`);
  let last: ImportView = answered;
  await waitUntil('every imported row filed', async () => {
    const r = await fetch(`${ctx.stack.api}/imports/${answered.id}`, { headers: { authorization: `Bearer ${adminKey}` } });
    last = await r.json() as ImportView;
    return last.done >= last.accepted;
  }, 3_600_000, 500);
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
    ratioToEngine: engine.recordedPerSec ? round(perSecond(last.done, totalMs) / engine.recordedPerSec, 3) : null,
  };
}
