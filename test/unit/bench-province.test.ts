// The bench's `--scale=province` preset (issue 17), its `--topology` flag, and its reading of the worker's SDK metrics:
// the preset sets the 100 000-target scenario but never overrides a flag given explicitly, and
// the sticky cache's counters are read as differences between two scrapes.
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../scripts/bench/options';
import { cacheDelta, cachedWorkflows, mergeScrapes, parsePrometheus } from '../../scripts/bench/worker-metrics';

describe('bench --scale', () => {
  it('keeps today\'s sizes by default', () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ scale: 'default', targets: 300, reads: 200 });
    expect(o.only.length).toBeGreaterThan(1);
  });

  it('province: only targets, 100 000 of them, 1 000 reads', () => {
    expect(parseOptions(['--scale=province'])).toMatchObject({ scale: 'province', only: ['targets'], targets: 100_000, reads: 1000 });
  });

  it('province: explicit flags win over the preset', () => {
    expect(parseOptions(['--scale=province', '--targets=3000', '--only=targets,feedback']))
      .toMatchObject({ only: ['targets', 'feedback'], targets: 3000, reads: 1000 });
  });

  it('refuses an unknown scale', () => {
    expect(() => parseOptions(['--scale=country'])).toThrow(/unknown scale/);
  });
});

describe('bench --topology', () => {
  it('is dev by default, with every scenario', () => {
    expect(parseOptions([])).toMatchObject({ topology: 'dev', only: expect.arrayContaining(['burst', 'history']) });
  });

  it('prod: only intake, targets and imports unless --only says otherwise', () => {
    expect(parseOptions(['--topology=prod'])).toMatchObject({ topology: 'prod', only: ['intake', 'targets', 'imports'] });
    expect(parseOptions(['--topology=prod', '--only=imports'])).toMatchObject({ only: ['imports'] });
  });

  it('refuses an unknown topology', () => {
    expect(() => parseOptions(['--topology=cluster'])).toThrow(/unknown topology/);
  });
});

const scrape = (hits: number, misses: number | null, size: number, replay: { le: Record<string, number>; sum: number; count: number }) => parsePrometheus([
  '# HELP temporal_sticky_cache_hit_total hits',
  `temporal_sticky_cache_hit_total{namespace="default",task_queue="q"} ${hits}`,
  ...(misses === null ? [] : [`temporal_sticky_cache_miss_total{namespace="default",task_queue="q"} ${misses}`]),
  `temporal_sticky_cache_size{namespace="default"} ${size}`,
  ...Object.entries(replay.le).map(([le, n]) => `temporal_workflow_task_replay_latency_seconds_bucket{namespace="default",le="${le}"} ${n}`),
  `temporal_workflow_task_replay_latency_seconds_sum{namespace="default"} ${replay.sum}`,
  `temporal_workflow_task_replay_latency_seconds_count{namespace="default"} ${replay.count}`,
].join('\n'));

describe('bench worker metrics', () => {
  it('reads hits, misses and replays between two scrapes; a counter not yet scraped counts 0', () => {
    const before = scrape(10, null, 400, { le: { '0.001': 10, '0.05': 10, '+Inf': 10 }, sum: 0.005, count: 10 });
    const after = scrape(15, 4, 1000, { le: { '0.001': 15, '0.05': 19, '+Inf': 19 }, sum: 0.125, count: 19 });
    expect(cachedWorkflows(after)).toBe(1000);
    expect(cacheDelta(before, after)).toEqual({
      runsLoaded: 600, hits: 5, misses: 4, forcedEvictions: 0, cacheSizeBefore: 400, cacheSizeAfter: 1000,
      workflowTaskReplayLatency: { count: 9, meanMs: 13.3, p50AtMostMs: 1, p95AtMostMs: 50 },
    });
  });

  it('no scrape, no figures', () => {
    expect(cacheDelta(null, null)).toBeNull();
    expect(cachedWorkflows(null)).toBeNull();
  });

  it('adds up the workers of the production topology, each its own cache; one unreadable, no figures', () => {
    const worker1 = scrape(10, 2, 1000, { le: { '+Inf': 3 }, sum: 0.03, count: 3 });
    const worker2 = scrape(5, null, 700, { le: { '+Inf': 1 }, sum: 0.01, count: 1 });
    const both = mergeScrapes([worker1, worker2]);
    expect(cachedWorkflows(both)).toBe(1700);
    expect(cacheDelta(mergeScrapes([worker1, scrape(0, 0, 0, { le: { '+Inf': 0 }, sum: 0, count: 0 })]), both))
      .toMatchObject({ hits: 5, misses: 0, cacheSizeBefore: 1000, cacheSizeAfter: 1700 });
    expect(mergeScrapes([worker1, null])).toBeNull();
    expect(mergeScrapes([])).toBeNull();
  });
});
