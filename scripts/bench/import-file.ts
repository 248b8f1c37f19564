// Cases already in force brought in through POST /imports (issue 17), shared by the `imports`
// scenario (one file, timed) and `targets` (a large population, file after file): the rows, the
// upload as the demo ADMIN for the demo ENFORCEMENT agency, and the wait on GET /imports/:id.
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { implementerId, type BenchContext } from './context';
import { log, round, waitUntil } from './measure';
import { BENCH_MEASURE } from './targets';

export interface ImportView { id: string; status: string; total: number; accepted: number; refused: number; done: number; refusedRows: unknown[] }

function importer(ctx: BenchContext) {
  const enforcement = ctx.stack.agencies.find((a) => a.roles.includes('ENFORCEMENT'));
  const adminKey = ctx.stack.keys.ADMIN;
  if (!enforcement || !adminKey) throw new Error('the stack has no demo ENFORCEMENT or ADMIN agency');
  return { enforcementId: enforcement.id, adminKey };
}

/**
 * `n` JSON lines, each a new enterprise's penalty decision of 60 days ago with its steps `taken`
 * (received, pushed to the demo IMPLEMENTER, acknowledged 55 days ago): each case is in force and
 * owes its R9 reports from the import's month on.
 */
export function inForceRows(ctx: BenchContext, n: number): string[] {
  const { enforcementId } = importer(ctx);
  const today = shanghaiDateOf(new Date());
  const day = (d: number) => addDays(today, d);
  const implementer = implementerId(ctx);
  return Array.from({ length: n }, () => JSON.stringify({
    ...ctx.factory.penaltyDecision(60), filedBy: enforcementId,
    taken: {
      filedOn: day(-58), receivedOn: day(-57), implementers: [{ agencyId: implementer, measures: [BENCH_MEASURE] }],
      pushedOn: day(-56), acknowledgedOn: day(-55),
    },
  }));
}

/** Uploads one JSON-lines file; answers once the API has checked every row (202, filing begins). */
export async function uploadImport(ctx: BenchContext, lines: string[], label = 'imports'): Promise<{ answered: ImportView; uploadMs: number }> {
  const { adminKey } = importer(ctx);
  const file = Buffer.from(`${lines.join('\n')}\n`);
  log(`${label}: uploading ${lines.length} rows (${round(file.length / 2 ** 20, 2)} MiB of JSON lines)`);
  const t0 = performance.now();
  const res = await fetch(`${ctx.stack.api}/imports`, {
    method: 'POST', body: file,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/x-ndjson' },
    signal: AbortSignal.timeout(600_000),
  });
  const answered = await res.json() as ImportView;
  const uploadMs = performance.now() - t0;
  if (res.status >= 300) throw new Error(`POST /imports → ${res.status} ${JSON.stringify(answered).slice(0, 300)}`);
  log(`${label}: checked in ${Math.round(uploadMs)} ms, ${answered.accepted} accepted, ${answered.refused} refused; filing`);
  return { answered, uploadMs };
}

/** Polls GET /imports/:id until every accepted row is filed; `progress` sees each answer. */
export async function importFiled(ctx: BenchContext, id: string, progress?: (view: ImportView) => void): Promise<ImportView> {
  const { adminKey } = importer(ctx);
  let last: ImportView | undefined;
  await waitUntil('every imported row filed', async () => {
    const r = await fetch(`${ctx.stack.api}/imports/${id}`, { headers: { authorization: `Bearer ${adminKey}` } });
    last = await r.json() as ImportView;
    progress?.(last);
    return last.done >= last.accepted;
  }, 3_600_000, 500);
  return last!;
}

/** Rows per file when a population is imported: a few thousand, each file checked in seconds. */
export const IMPORT_FILE_ROWS = 5000;

/**
 * `n` targets in force through POST /imports, file after file (one import filing at a time, at
 * the runner's own concurrency), progress on stderr every 30 s. Answers the targets in the order
 * they were filed (file, then row), with the figures of the whole.
 */
export async function importPopulation(ctx: BenchContext, n: number) {
  const files = Math.ceil(n / IMPORT_FILE_ROWS);
  const ids: string[] = [];
  let filed = 0;
  let refused = 0;
  let checkMs = 0;
  const t0 = performance.now();
  for (let k = 0; k < files; k += 1) {
    const rows = Math.min(IMPORT_FILE_ROWS, n - k * IMPORT_FILE_ROWS);
    const { answered, uploadMs } = await uploadImport(ctx, inForceRows(ctx, rows), `targets: file ${k + 1}/${files}`);
    checkMs += uploadMs;
    let logged = performance.now();
    const view = await importFiled(ctx, answered.id, (v) => {
      if (performance.now() - logged < 30_000) return;
      logged = performance.now();
      const sofar = filed + v.done;
      const rate = sofar / ((logged - t0) / 1000);
      log(`targets: file ${k + 1}/${files} ${v.done}/${v.accepted} filed; ${sofar}/${n} in all, ${round(rate)}/s, about ${Math.round((n - sofar) / Math.max(rate, 0.01) / 60)} min left`);
    });
    filed += view.done;
    refused += view.refused;
    ids.push(answered.id);
  }
  const wallMs = performance.now() - t0;
  const targets = n === 0 ? [] : await ctx.dbh.sql<{ targetId: string; workflowId: string }[]>`
    select r.target_id as "targetId", t.workflow_id as "workflowId"
    from import_rows r join targets t on t.id = r.target_id
    where r.import_id = any(${ids}::text[]) and r.state = 'filed'
    order by array_position(${ids}::text[], r.import_id), r.row`;
  log(`targets: ${filed} imported in ${Math.round(wallMs / 1000)} s`);
  return {
    figures: n === 0 ? null : {
      rows: n, files, rowsPerFile: IMPORT_FILE_ROWS, filed, refused,
      checkedInMs: Math.round(checkMs), wallMs: Math.round(wallMs), casesPerSec: round(filed / (wallMs / 1000)),
    },
    targets: [...targets],
  };
}
