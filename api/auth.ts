// Authorization: Bearer <key> on every non-public route. A route names the roles it admits;
// no key is 401, a key whose roles do not allow the route is 403, and a denial is logged.
// Wrong keys are counted per client address (@fastify/rate-limit): past the limit every keyed
// request from that address is 429 with Retry-After, the right key included, until the window
// ends; each wrong key and each refusal is logged (never the key). An answer to a keyed request
// is never cached (Cache-Control: no-store): it may carry personal data.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
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
  interface FastifyInstance {
    /** Counts a wrong key of the request's address (or, with `{ increment: false }`, only reads the count). */
    wrongKeys: ReturnType<FastifyInstance['createRateLimit']>;
  }
}

/** The throttle of wrong keys; the client address is the one Fastify's trustProxy gives. */
export async function registerKeyThrottle(app: FastifyInstance, limit: { max: number; windowMs: number }): Promise<void> {
  await app.register(rateLimit, { global: false });
  app.decorate('wrongKeys', app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs }));
}

function throttled(request: FastifyRequest, retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, retryAfterSeconds);
  request.log.warn({ ip: request.ip, route: request.routeOptions.url, method: request.method, retryAfterSeconds: seconds }, 'authentication throttled: too many wrong keys from this address');
  return new DomainError(429, 'too_many_requests', 'authorization', `too many wrong API keys from this address; try again in ${seconds} s`, { 'retry-after': String(seconds) });
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
  return async function authorize(this: unknown, request: FastifyRequest, reply: FastifyReply) {
    // Whatever the outcome, an answer to a keyed request is not kept by any cache.
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const header = request.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!key) throw new DomainError(401, 'unauthorized', 'authorization', 'an API key is required: Authorization: Bearer <key>');
    // An address past the limit is refused before its key is even looked up: a right guess tells nothing.
    const seen = await request.server.wrongKeys(request, { increment: false });
    if (!seen.isAllowed && seen.isExceeded) throw throttled(request, seen.ttlInSeconds);
    const held = await keyHolder(request.server.deps.db, key);
    if (!held) {
      const counted = await request.server.wrongKeys(request);
      const failures = counted.isAllowed ? null : counted.isExceeded ? counted.max + 1 : counted.max - counted.remaining;
      request.log.warn({ ip: request.ip, route: request.routeOptions.url, method: request.method, failures }, 'authentication failed: unknown or revoked API key');
      if (!counted.isAllowed && counted.isExceeded) throw throttled(request, counted.ttlInSeconds);
      throw new DomainError(401, 'unauthorized', 'authorization', 'the API key is unknown or revoked');
    }
    const { agency } = held;
    request.agency = agency;
    request.keyId = held.keyId;
    if (!agency.roles.some((r) => roles.includes(r))) {
      request.log.warn({ agency: agency.id, roles: agency.roles, route: request.routeOptions.url, method: request.method }, 'access denied');
      throw new DomainError(403, 'forbidden', 'authorization', `this route needs one of the roles ${roles.join(', ')}; ${agency.name} has ${agency.roles.join(', ')}`);
    }
  };
}
