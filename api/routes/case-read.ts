// Reading one case (its publicity, its letters): the case exists and is in the reader's scope
// (domain/regions.ts: its region and below, or a case it stands to), else 404 or 403. Who, not state.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { caseScope } from '../../db/queries/cases';
import { caseStandings } from '../../db/queries/targets';
import { caseVisible } from '../../domain/regions';
import { readScope } from '../auth';
import { DomainError, notFound } from '../errors';

export async function visibleCase(app: FastifyInstance, request: FastifyRequest, caseId: string) {
  const found = await caseScope(app.deps.db, caseId);
  if (!found) throw notFound('caseId', `no case ${caseId}`);
  const standing = (await caseStandings(app.deps.db, [caseId])).get(caseId)!;
  if (!caseVisible(readScope(request.agency!), standing)) {
    request.log.warn({ agency: request.agency!.id, caseId }, 'access denied: case outside the agency scope');
    throw new DomainError(403, 'forbidden', 'caseId', "this case is not in this agency's region, nor addressed, pushed or filed by it");
  }
  return found;
}
