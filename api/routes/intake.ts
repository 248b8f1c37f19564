// R2, R3 Intake. The route checks who files (ENFORCEMENT a penalty decision, CREDIT an external
// document), the shape of the case and the measures against the lists (R1); claims the document
// number for the filing agency; and files the case into its target's workflow with
// update-with-start, answering what the workflow recorded. The checks and the filing are
// ./intake-check.ts, shared with the bulk import.
import type { FastifyInstance } from 'fastify';
import { shanghaiDateOf } from '../../domain/dates';
import { bearerSecurity, requireRoles } from '../auth';
import { idempotency } from '../engine';
import { DomainError, errorSchema } from '../errors';
import { checkCase, fileChecked, roleFiling } from './intake-check';
import { caseBody, intakeAnswer, type CaseBody } from './intake-schema';

export async function intakeRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: CaseBody }>('/cases', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT'),
    schema: {
      tags: ['cases'],
      summary: 'File a case (R2 a penalty decision by ENFORCEMENT, R3 an external document by CREDIT)',
      description: 'The case belongs to the filing agency. Filing the same document number again answers the same case (200); '
        + 'a number another agency filed is refused (409). Answers what the workflow recorded: the push limit, whether the '
        + 'push was late, and the steps it opened for the receiving AUTHORITY.',
      security: bearerSecurity,
      body: caseBody,
      response: { 200: intakeAnswer, 201: intakeAnswer, 400: errorSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema, 503: errorSchema },
    },
    // R2: ENFORCEMENT files its own penalty decisions; R3: CREDIT receives external documents.
    // Checked before validation, so that the wrong role hears 403 whatever else is wrong.
    preValidation: async (request) => {
      const source = (request.body as { source?: unknown } | undefined)?.source;
      const needed = source === 'penalty_decision' || source === 'external_document' ? roleFiling(source) : null;
      if (needed && !request.agency!.roles.includes(needed)) {
        request.log.warn({ agency: request.agency!.id, source }, 'access denied');
        throw new DomainError(403, 'forbidden', 'source', `a ${source} is filed by ${needed}`);
      }
    },
  }, async (request, reply) => {
    const { now } = app.deps;
    idempotency(request, reply);
    const checked = await checkCase(app, request.body, shanghaiDateOf(now()));
    const { fresh, answer } = await fileChecked(app, checked, request.agency!.id, now().toISOString());
    return reply.status(fresh ? 201 : 200).send(answer);
  });
}
