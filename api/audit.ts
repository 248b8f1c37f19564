// Audit lines for a request (db/audit.ts): the agency and the key that acted, the client's
// address and the request id, at the API's clock.
import type { FastifyRequest } from 'fastify';
import { appendAudit, type AuditAction, type AuditEntry } from '../db/audit';
import type { DbOrTx } from '../db/client';

type More = Pick<AuditEntry, 'targetId' | 'subjectAgencyId' | 'detail'>;

export function auditEntry(request: FastifyRequest, action: AuditAction, more: More = {}): AuditEntry {
  return {
    action, at: request.server.deps.now(), actorAgencyId: request.agency?.id ?? null, actorKeyId: request.keyId ?? null,
    clientIp: request.ip, requestId: String(request.id), ...more,
  };
}

/** Appends the line before the answer is sent: a read that cannot be recorded is not answered. */
export async function audit(request: FastifyRequest, action: AuditAction, more: More = {}, tx: DbOrTx = request.server.deps.db): Promise<void> {
  await appendAudit(tx, auditEntry(request, action, more));
}
