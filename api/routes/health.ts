import type { FastifyInstance } from 'fastify';

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
}
