import type { FastifyInstance } from 'fastify';
import { TASK_QUEUE } from '../../workflows/messages';
import { POLLER_FRESH_MS, taskQueuePollers, type Readiness } from '../observability/ready';

const PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const part = { type: 'string', enum: ['ok', 'down'] } as const;
  app.get('/health', {
    schema: {
      tags: ['system'],
      summary: 'Whether the API can reach PostgreSQL and Temporal',
      response: {
        200: { type: 'object', properties: { status: { type: 'string' }, db: part, temporal: part } },
        503: { type: 'object', properties: { status: { type: 'string' }, db: part, temporal: part } },
      },
    },
  }, async (_request, reply) => {
    const { sql, temporal } = app.deps;
    const [db, engine] = await Promise.all([
      withTimeout(sql`select 1`, PROBE_TIMEOUT_MS).then(() => 'ok' as const, () => 'down' as const),
      // A gRPC deadline, not only a race: the client stops retrying when the probe gives up.
      withTimeout(temporal.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS,
        () => temporal.connection.workflowService.getSystemInfo({})), PROBE_TIMEOUT_MS + 500)
        .then(() => 'ok' as const, () => 'down' as const),
    ]);
    const ok = db === 'ok' && engine === 'ok';
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'down', db, temporal: engine });
  });

  const readyAnswer = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready'] }, db: part, temporal: part, taskQueue: { type: 'string' },
      pollers: { type: 'object', properties: { workflow: { type: 'integer' }, activity: { type: 'integer' } } },
      reason: { type: 'string' },
    },
  } as const;
  app.get('/health/ready', {
    schema: {
      tags: ['system'],
      summary: 'Whether this API instance can take traffic: PostgreSQL answers and a worker polls the task queue',
      description: `503 names what is missing. A worker counts when it polled within the last ${POLLER_FRESH_MS / 1000} s. /health stays the liveness probe.`,
      response: { 200: readyAnswer, 503: readyAnswer },
    },
  }, async (_request, reply) => {
    const { sql, temporal } = app.deps;
    const [db, queue] = await Promise.all([
      withTimeout(sql`select 1`, PROBE_TIMEOUT_MS).then(() => 'ok' as const, () => 'down' as const),
      withTimeout(temporal.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => taskQueuePollers(temporal, Date.now())),
        PROBE_TIMEOUT_MS + 500).catch((): Readiness | null => null),
    ]);
    const pollers = queue ? { workflow: queue.workflowPollers.length, activity: queue.activityPollers.length } : undefined;
    const missing = !queue ? ['the engine did not answer']
      : (['workflow', 'activity'] as const).filter((k) => pollers![k] === 0)
        .map((k) => `no worker has polled task queue "${queue.taskQueue}" for ${k} tasks in the last ${POLLER_FRESH_MS / 1000} s`);
    if (db === 'down') missing.unshift('PostgreSQL did not answer');
    const ready = missing.length === 0;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready', db, temporal: queue ? 'ok' : 'down', taskQueue: TASK_QUEUE, pollers,
      ...(ready ? {} : { reason: missing.join('; ') }),
    });
  });
}
