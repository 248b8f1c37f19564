// Issue 17, bulk import: files an import's accepted rows into their targets' workflows, a bounded
// number at once (read a page at a time: ./pages.ts), through intake's own filing
// (update-with-start). The rows wait in PostgreSQL; an instance leases the import while it files
// them and renews the lease per page, so after a restart (or an instance's death) the next sweep
// resumes it: nothing accepted is lost, and a row filed twice answers the same case (the document
// number's claim, the case id).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  findImport, leaseImport, orphanedImports, pendingRows, releaseLease, rowFiled, rowRefused, settleCounts,
} from '../../db/queries/imports';
import { startOfShanghaiDay } from '../../domain/dates';
import { DomainError } from '../errors';
import { fileChecked } from '../routes/intake-check';
import type { AcceptedRow } from './check';
import { drainPages, type PassOutcome } from './pages';

export interface RunnerOptions {
  /** Target workflows started at once (update-with-start calls in flight). */
  concurrency: number;
  batch: number;
  leaseMs: number;
  /** How often orphaned imports are looked for. */
  sweepMs: number;
  /** The pause before rows the engine did not take are tried again. */
  retryMs: number;
}

export const RUNNER_DEFAULTS: RunnerOptions = { concurrency: 16, batch: 64, leaseMs: 30_000, sweepMs: 15_000, retryMs: 5_000 };

export interface ImportRunner {
  /** Starts filing an import's rows here, unless this instance already is. */
  kick(id: string): void;
  /** Resumes every import no instance holds. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export function importRunner(app: FastifyInstance, options: Partial<RunnerOptions> = {}): ImportRunner {
  const opts = { ...RUNNER_DEFAULTS, ...options };
  const { db, now } = app.deps;
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const running = new Map<string, Promise<void>>();
  let closing = false;
  let wake: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => { wake = resolve; });
  const pause = (ms: number) => Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
  // Leases are counted on the machine's clock, not the API's domain clock (which tests move).
  const lease = (id: string) => leaseImport(db, id, holder, new Date(), new Date(Date.now() + opts.leaseMs));

  /** One row into its target's workflow: filed, refused (409, 400), or left pending for the next try (engine down). */
  async function fileRow(id: string, importedBy: string, r: { row: number; payload: Record<string, unknown> }): Promise<boolean> {
    const p = r.payload as unknown as AcceptedRow;
    const importedAt = now().toISOString();
    const at = p.filedOn ? startOfShanghaiDay(p.filedOn) : importedAt;
    try {
      const { answer } = await fileChecked(app, p.checked, p.actor, at, p.taken ? { ...p.taken, importId: id, importedBy, importedAt } : null);
      await rowFiled(db, id, r.row, answer.caseId, answer.targetId);
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.statusCode < 500) {
        await rowRefused(db, id, { row: r.row, field: err.field, reason: err.reason }, now());
        return true;
      }
      app.log.warn({ err, importId: id, row: r.row }, 'import row not filed yet; tried again');
      return false;
    }
  }

  /**
   * One pass over the import's pending rows in the file's order (./pages.ts); each page read
   * counts the rows filed so far and renews the lease, and a lost lease stops the pass.
   */
  function pass(id: string, importedBy: string): Promise<PassOutcome> {
    let after = 0;
    return drainPages({
      limit: opts.concurrency,
      readPage: async () => {
        const rows = await pendingRows(db, id, opts.batch, after);
        if (rows.length > 0) after = rows[rows.length - 1].row;
        await settleCounts(db, id, now());
        return await lease(id) ? rows : null;
      },
      handle: (r) => fileRow(id, importedBy, r),
      stopped: () => closing,
    });
  }

  async function run(id: string): Promise<void> {
    const job = await findImport(db, id);
    if (!job || job.status !== 'running' || !await lease(id)) return;
    try {
      while (!closing) {
        const outcome = await pass(id, job.agencyId);
        if (outcome === 'stopped') return;
        await settleCounts(db, id, now());
        if (outcome === 'done' || !await lease(id)) break;
        await pause(opts.retryMs);
      }
    } finally {
      await releaseLease(db, id, holder).catch(() => undefined);
    }
  }

  const kick = (id: string) => {
    if (closing || running.has(id)) return;
    const job = run(id).catch((err) => app.log.error({ err, importId: id }, 'import interrupted; the next sweep resumes it'))
      .finally(() => running.delete(id));
    running.set(id, job);
  };

  const sweep = async () => {
    if (closing) return;
    for (const id of await orphanedImports(db, new Date())) kick(id);
  };
  const timer = setInterval(() => { sweep().catch((err) => app.log.warn({ err }, 'import sweep failed')); }, opts.sweepMs);
  timer.unref();

  return {
    kick,
    sweep,
    async close() {
      closing = true;
      clearInterval(timer);
      wake();
      await Promise.allSettled([...running.values()]);
    },
  };
}
