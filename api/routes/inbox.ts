// What an agency has been told (reminders, escalations, retirement notices), newest first.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { notices } from '../../db/schema';
import { bearerSecurity, requireRoles } from '../auth';

export async function inboxRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { unread?: boolean; limit: number } }>('/inbox', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR', 'ADMIN'),
    schema: {
      tags: ['inbox'], summary: "The calling agency's notices", security: bearerSecurity,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { unread: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
      },
    },
  }, async (request) => {
    const where = and(eq(notices.agencyId, request.agency!.id), request.query.unread ? isNull(notices.readAt) : undefined);
    const items = await app.deps.db.select().from(notices).where(where).orderBy(desc(notices.createdAt), desc(notices.id)).limit(request.query.limit);
    return { items };
  });
}
