// Authorization: Bearer <key> on every non-public route. A route names the roles it admits;
// no key is 401, a key whose roles do not allow the route is 403, and a denial is logged.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { keyHolder, type Agency } from '../db/agencies';
import { readScopeOf, type ReadScope } from '../domain/regions';
import type { Role } from '../domain/roles';
import { DomainError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    agency: Agency | null;
    /** The id of the key that authenticated the request (for the audit trail; never the key). */
    keyId: string | null;
  }
}

export const bearerSecurity = [{ bearerAuth: [] }];

/**
 * What the agency of the key reads (domain/regions.ts): ENFORCEMENT, CREDIT, LEGAL and SUPERVISOR
 * the cases of their region and below, national scope where granted; every agency the cases it
 * stands to; an AUTHORITY or IMPLEMENTER nothing more.
 */
export const readScope = (agency: Agency): ReadScope => readScopeOf(agency);

// onRequest, so that a call without a key is 401 before its body is even parsed or validated.
export function requireRoles(...roles: Role[]): onRequestAsyncHookHandler {
  return async function authorize(this: unknown, request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!key) throw new DomainError(401, 'unauthorized', 'authorization', 'an API key is required: Authorization: Bearer <key>');
    const held = await keyHolder(request.server.deps.db, key);
    if (!held) throw new DomainError(401, 'unauthorized', 'authorization', 'the API key is unknown or revoked');
    const { agency } = held;
    request.agency = agency;
    request.keyId = held.keyId;
    if (!agency.roles.some((r) => roles.includes(r))) {
      request.log.warn({ agency: agency.id, roles: agency.roles, route: request.routeOptions.url, method: request.method }, 'access denied');
      throw new DomainError(403, 'forbidden', 'authorization', `this route needs one of the roles ${roles.join(', ')}; ${agency.name} has ${agency.roles.join(', ')}`);
    }
  };
}
