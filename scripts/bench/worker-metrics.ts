// The worker's Temporal SDK metrics (Prometheus text on WORKER_METRICS_PORT, see worker/telemetry.ts):
// its sticky workflow cache (size, hits, misses, forced evictions) and the replays an evicted
// workflow costs, as the difference between two scrapes around what the bench drove.
import { DEFAULT_CACHED_WORKFLOWS } from '../../config/env';
import { round } from './measure';

/** Values by series: `name` summed over every label set, histograms' buckets as `name{le="…"}`. */
export type Scrape = Map<string, number>;

/** Every worker's metrics, each series summed over the workers (the production topology has two); null if one is unreadable. */
export async function scrapeWorker(urls: string[]): Promise<Scrape | null> {
  return mergeScrapes(await Promise.all(urls.map(scrapeOne)));
}

/** Each series summed over the scrapes: the workers' caches and counters added up; null if one is missing. */
export function mergeScrapes(scrapes: (Scrape | null)[]): Scrape | null {
  if (scrapes.length === 0 || scrapes.some((s) => s === null)) return null;
  const out: Scrape = new Map();
  for (const s of scrapes) for (const [k, v] of s!) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

async function scrapeOne(url: string): Promise<Scrape | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? parsePrometheus(await res.text()) : null;
  } catch {
    return null;
  }
}

export function parsePrometheus(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const value = Number(m[4]);
    if (!Number.isFinite(value) && m[4] !== '+Inf') continue;
    const le = m[3]?.match(/(?:^|,)le="([^"]*)"/)?.[1];
    const key = le === undefined ? m[1] : `${m[1]}{le="${le}"}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/** The one series whose name matches, e.g. /sticky_cache_hit/ → temporal_sticky_cache_hit_total. */
function find(s: Scrape, pattern: RegExp): [string, number] | null {
  for (const [k, v] of s) if (!k.includes('{') && pattern.test(k)) return [k, v];
  return null;
}

const SERIES = {
  size: /sticky_cache_size$/,
  hits: /sticky_cache_hit(_total)?$/,
  misses: /sticky_cache_miss(_total)?$/,
  forcedEvictions: /sticky_cache_total_forced_eviction(_total)?$/,
};
const REPLAY = /workflow_task_replay_latency(_seconds)?/;

/** The cache's size as the worker is configured (stack.ts hands WORKER_MAX_CACHED_WORKFLOWS on). */
export function configuredCache(): number {
  const n = Number(process.env.WORKER_MAX_CACHED_WORKFLOWS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_CACHED_WORKFLOWS;
}

/** Workflows in the worker's sticky cache at the scrape. */
export function cachedWorkflows(s: Scrape | null): number | null {
  return s ? (find(s, SERIES.size)?.[1] ?? null) : null;
}

/**
 * The metric names found, so a report says what it read. The SDK (core 1.x) names them
 * sticky_cache_hit, sticky_cache_miss, sticky_cache_size, sticky_cache_total_forced_eviction and
 * workflow_task_replay_latency, prefixed temporal_; a counter appears at its first increment, so
 * null here is "none yet" (or a rename).
 */
export function cacheSeriesNames(s: Scrape | null): Record<string, string | null> {
  const names: Record<string, string | null> = {};
  for (const [k, p] of Object.entries(SERIES)) names[k] = s ? (find(s, p)?.[0] ?? null) : null;
  names.replayLatency = s ? ([...s.keys()].find((k) => REPLAY.test(k) && k.endsWith('_count')) ?? null) : null;
  return names;
}

/**
 * What happened between two scrapes: cache hits, misses (each a replay of the workflow's whole
 * history) and forced evictions, the cache's size at the end, and the SDK's
 * workflow_task_replay_latency (recorded for every workflow task: near 0 for a cached run, the
 * replay for an evicted one; count, mean, and the histogram's bucket bound at p50/p95).
 */
export function cacheDelta(before: Scrape | null, after: Scrape | null) {
  if (!before || !after) return null;
  // A counter the SDK never incremented is not in the scrape yet: none counted is 0.
  const delta = (p: RegExp) => round((find(after, p)?.[1] ?? 0) - (find(before, p)?.[1] ?? 0), 0);
  const replayName = [...after.keys()].find((k) => REPLAY.test(k) && k.endsWith('_count'))?.replace(/_count$/, '');
  let replays = null;
  if (replayName) {
    const count = (after.get(`${replayName}_count`) ?? 0) - (before.get(`${replayName}_count`) ?? 0);
    const sum = (after.get(`${replayName}_sum`) ?? 0) - (before.get(`${replayName}_sum`) ?? 0);
    // Durations are in seconds when the name says so (useSecondsForDurations), else in ms.
    const toMs = replayName.endsWith('_seconds') ? 1000 : 1;
    const buckets = [...after.keys()].filter((k) => k.startsWith(`${replayName}_bucket{`))
      .map((k) => ({ le: Number(k.match(/le="([^"]*)"/)![1].replace('+Inf', 'Infinity')), n: after.get(k)! - (before.get(k) ?? 0) }))
      .sort((x, y) => x.le - y.le);
    const bound = (q: number) => {
      const b = buckets.find((x) => x.n >= q * count);
      return b && Number.isFinite(b.le) ? round(b.le * toMs) : null;
    };
    replays = count > 0
      ? { count, meanMs: round((sum / count) * toMs), p50AtMostMs: bound(0.5), p95AtMostMs: bound(0.95) }
      : { count: 0, meanMs: null, p50AtMostMs: null, p95AtMostMs: null };
  }
  const sizeBefore = find(before, SERIES.size)?.[1] ?? 0;
  const sizeAfter = find(after, SERIES.size)?.[1] ?? null;
  const forcedEvictions = delta(SERIES.forcedEvictions);
  return {
    // Runs brought into the cache, each by a replay of its whole history: one evicted for each
    // when the cache is full, plus the cache's growth. A query or a task from the normal queue on
    // an evicted run replays it without counting as a miss (only a sticky task does), so this,
    // not `misses`, is the number of replays.
    runsLoaded: sizeAfter === null ? null : forcedEvictions + Math.max(0, sizeAfter - sizeBefore),
    hits: delta(SERIES.hits),
    misses: delta(SERIES.misses),
    forcedEvictions,
    cacheSizeBefore: sizeBefore,
    cacheSizeAfter: sizeAfter,
    workflowTaskReplayLatency: replays,
  };
}
