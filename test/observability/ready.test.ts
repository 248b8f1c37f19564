// GET /health/ready on the real dev server: 503 naming the task queue while no worker polls it,
// 200 once one does; /health (liveness) says 200 throughout. And which pollers count: a worker
// stopped longer ago than a long poll lasts does not.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { livePollers, POLLER_FRESH_MS } from '../../api/observability/ready';
import { connectDb, type DbHandle } from '../../db/client';
import { TASK_QUEUE } from '../../workflows/messages';
import { appOnEngine, type AppWithWorker } from '../support/apps';
import { startDevServer } from '../support/engine';
import { eventually } from '../support/eventually';

describe('GET /health/ready on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let dbh: DbHandle;
  let stack: AppWithWorker;

  beforeAll(async () => {
    // A fresh server: nothing has ever polled its task queue.
    env = await startDevServer();
    dbh = connectDb(inject('databaseUrl'));
    stack = await appOnEngine(env, dbh, { targetIdKey: `ready-${randomUUID()}`, worker: false });
  });

  afterAll(async () => {
    await stack?.close();
    await dbh?.close();
    await env?.teardown();
  });

  it('is 503 naming the task queue while no worker polls it; /health is still 200', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not_ready', db: 'ok', temporal: 'ok', taskQueue: TASK_QUEUE, pollers: { workflow: 0, activity: 0 },
      reason: expect.stringContaining(`no worker has polled task queue "${TASK_QUEUE}" for workflow tasks`),
    });
    expect(res.json().reason).toContain('activity tasks');
    expect((await stack.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('is 200 once a worker polls it, counting its workflow and activity pollers', async () => {
    await stack.startWorker();
    const res = await eventually(async () => {
      const r = await stack.app.inject({ method: 'GET', url: '/health/ready' });
      expect(r.statusCode, r.body).toBe(200);
      return r;
    }, 15_000, 250);
    expect(res.json()).toEqual({ status: 'ready', db: 'ok', temporal: 'ok', taskQueue: TASK_QUEUE, pollers: { workflow: 1, activity: 1 } });
  });
});

describe('which pollers count', () => {
  const now = Date.parse('2026-11-20T08:00:00Z');
  // The engine's timestamps carry their seconds as a Long (toNumber) or a number.
  const at = (msAgo: number) => ({ seconds: { toNumber: () => Math.floor((now - msAgo) / 1000) }, nanos: ((now - msAgo) % 1000) * 1e6 });

  it('a worker inside its long poll counts; one silent for longer than a long poll lasts does not', () => {
    const pollers = [
      { identity: 'idle-in-long-poll@w1', lastAccessTime: at(60_000) },
      { identity: 'stopped@w2', lastAccessTime: at(POLLER_FRESH_MS + 1000) },
      { identity: 'never@w3', lastAccessTime: null },
      { identity: 'just-now@w4', lastAccessTime: { seconds: (now - 10) / 1000 | 0, nanos: 0 } },
    ];
    expect(livePollers(pollers, now)).toEqual(['idle-in-long-poll@w1', 'just-now@w4']);
    expect(livePollers(pollers, now, 30_000)).toEqual(['just-now@w4']);
  });
});
