// Authorization: Bearer <key> on every non-public route. A route names the roles it admits;
// no key is 401, a key whose roles do not allow the route is 403, and a denial is logged.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { agencyByKey, type Agency } from '../db/agencies';
import { OVERSEEING_ROLES, type Role } from '../domain/roles';
import { DomainError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    agency: Agency | null;
  }
}

export const bearerSecurity = [{ bearerAuth: [] }];

/** An agency in an overseeing role reads the whole loop; an AUTHORITY or IMPLEMENTER only its own targets and steps. */
export const oversees = (agency: Agency): boolean => agency.roles.some((r) => OVERSEEING_ROLES.includes(r));

// onRequest, so that a call without a key is 401 before its body is even parsed or validated.
export function requireRoles(...roles: Role[]): onRequestAsyncHookHandler {
  return async function authorize(this: unknown, request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!key) throw new DomainError(401, 'unauthorized', 'authorization', 'an API key is required: Authorization: Bearer <key>');
    const agency = await agencyByKey(request.server.deps.db, key);
    if (!agency) throw new DomainError(401, 'unauthorized', 'authorization', 'the API key is unknown or revoked');
    request.agency = agency;
    if (!agency.roles.some((r) => roles.includes(r))) {
      request.log.warn({ agency: agency.id, roles: agency.roles, route: request.routeOptions.url, method: request.method }, 'access denied');
      throw new DomainError(403, 'forbidden', 'authorization', `this route needs one of the roles ${roles.join(', ')}; ${agency.name} has ${agency.roles.join(', ')}`);
    }
  };
}
