// What an agency has been told (reminders, escalations, retirement notices), newest first.
import type { FastifyInstance } from 'fastify';
import { inboxOf } from '../../db/queries/notices';
import { ROLES } from '../../domain/roles';
import { bearerSecurity, requireRoles } from '../auth';

export async function inboxRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { unread?: boolean; limit: number } }>('/inbox', {
    onRequest: requireRoles(...ROLES),
    schema: {
      tags: ['inbox'], summary: "The calling agency's notices", security: bearerSecurity,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { unread: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
      },
    },
  }, async (request) => ({ items: await inboxOf(app.deps.db, request.agency!.id, request.query) }));
}
