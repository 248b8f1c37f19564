// Timing primitives shared by every scenario: a bounded-concurrency runner that times each
// call, percentiles, and polling. Figures are plain numbers (ms, per second) rounded for JSON.
import { performance } from 'node:perf_hooks';

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles in ms (1 decimal); null when nothing was measured. */
export function latency(samplesMs: number[]): Latency | null {
  if (samplesMs.length === 0) return null;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { count: sorted.length, p50: round(rank(50)), p95: round(rank(95)), p99: round(rank(99)), max: round(sorted.at(-1)!) };
}

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
export const perSecond = (count: number, ms: number): number => round(count / (ms / 1000));

export interface TimedRun<T> {
  results: T[];
  /** Latency of each call that resolved, in ms. */
  samplesMs: number[];
  /** From the first call started to the last one settled. */
  wallMs: number;
  failures: { index: number; error: string }[];
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight, timing each call. A call that
 * throws is counted as a failure (the run goes on): under load a bench must report errors,
 * not stop at the first one.
 */
export async function runTimed<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<TimedRun<T>> {
  const results: T[] = new Array(count);
  const samplesMs: number[] = [];
  const failures: TimedRun<T>['failures'] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      try {
        results[index] = await task(index);
        samplesMs.push(performance.now() - t0);
      } catch (err) {
        failures.push({ index, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
  return { results, samplesMs, wallMs: performance.now() - started, failures };
}

/** How long a burst (every timer at one instant) may take before the bench gives up on it. */
export const BURST_BUDGET_MS = 1_800_000;

/** Polls `probe` until it returns true; returns the ms waited, or throws after `timeoutMs`. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A few distinct error messages with their counts, so a report stays short under many failures. */
export function errorSummary(failures: { error: string }[]): Record<string, number> | null {
  if (failures.length === 0) return null;
  const counts: Record<string, number> = {};
  for (const f of failures) {
    const key = f.error.slice(0, 200);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 5));
}

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Ours ÷ the engine's, to three places; null when the reference wrote nothing. */
export function ratio(ours: number, engine: number | null): number | null {
  return engine ? round(ours / engine, 3) : null;
}
