// R13 Persons as targets of their own: the enterprise's workflow hands each listed person its
// derived case (update-with-start on the person's own workflow) and, when the enterprise's cause
// falls (R11), asks that workflow to release it. The person's workflow records everything about
// the person itself; these activities only read who was listed and make the calls. Each call is
// idempotent (the Update id is the derived case's), so a retried activity files and releases once.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { casePersons, cases, targets } from '../db/schema';
import { hasEarlierSeriousCase } from '../db/queries/cases';
import { targetSummary } from '../domain/engine-summaries';
import { derivedFiling } from '../domain/persons';
import {
  fileCaseUpdate, releaseWithCauseUpdate, TASK_QUEUE, targetWorkflowId,
  type ActionAnswer, type FileCase, type ReleaseWithCause,
} from '../workflows/messages';
import { targetKindKey } from '../workflows/search-attributes';
import type { targetWorkflow } from '../workflows/target';
import { releaseMeasures } from './implementation';
import { markCaseReleased } from './objections';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

function engine(temporal: Client | undefined): Client {
  if (!temporal) throw new Error('the worker was built without a Temporal client: persons (R13) cannot be reached');
  return temporal;
}

export function createPersonActivities({ db, calendar, temporal }: ActivityDeps) {
  return {
    /** R13: the persons listed with an enterprise's case (their target ids: keyed hashes), in a stable order. */
    async listedPersons(input: { caseId: string }): Promise<string[]> {
      const rows = await db.select({ id: casePersons.personTargetId }).from(casePersons)
        .where(eq(casePersons.caseId, input.caseId)).orderBy(casePersons.personTargetId);
      return rows.map((r) => r.id);
    },

    /**
     * R13: the person becomes a target (its identity number kept only in its targets row) and its
     * derived case is filed into its own workflow, started if need be (update-with-start). Answers
     * the derived case's id.
     */
    async fileDerivedCase(input: { enterprise: TargetRef; filed: FileCase; personTargetId: string }): Promise<{ targetId: string; caseId: string }> {
      const { enterprise, filed, personTargetId } = input;
      const [listed] = await db.select().from(casePersons)
        .where(and(eq(casePersons.caseId, filed.caseId), eq(casePersons.personTargetId, personTargetId)));
      if (!listed) throw new Error(`no person ${personTargetId} listed with case ${filed.caseId}`);
      const workflowId = targetWorkflowId(personTargetId);
      await db.insert(targets).values({ id: personTargetId, kind: 'person', name: listed.name, idNumber: listed.idNumber, workflowId }).onConflictDoNothing();
      const derived = derivedFiling(filed, enterprise.targetId, personTargetId, false);
      // R12: a serious case of a person with an earlier serious case is repeated.
      const repeated = derived.repeated || (filed.seriousness !== 'general' && await hasEarlierSeriousCase(db, personTargetId, derived.caseId));
      const client = engine(temporal);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.workflow.executeUpdateWithStart(fileCaseUpdate, {
            args: [{ ...derived, repeated }], updateId: `file/${derived.caseId}`,
            startWorkflowOperation: new WithStartWorkflowOperation<typeof targetWorkflow>('targetWorkflow', {
              workflowId, taskQueue: TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING',
              args: [{ targetId: personTargetId, kind: 'person' }], typedSearchAttributes: [{ key: targetKindKey, value: 'person' }],
              // What the Temporal UI shows: a masked person, as for a person filed directly (domain/engine-summaries.ts).
              staticSummary: targetSummary({ kind: 'person', name: listed.name, idNumber: listed.idNumber }),
            }),
          });
          // The enterprise's story tells of the hand-over (its line is written once, however often this is retried).
          await writeJournal(db, {
            agencyId: filed.actor, eventKey: `${enterprise.workflowId}/${filed.caseId}/person/${personTargetId}`, targetId: enterprise.targetId,
            caseId: filed.caseId, kind: 'person_case_filed', rule: 'R13', at: new Date(filed.at),
            detail: { personTargetId, personCaseId: derived.caseId, role: listed.role, name: listed.name, measures: derived.measures.map((m) => m.code) },
          });
          return { targetId: personTargetId, caseId: derived.caseId };
        } catch (err) {
          // A person's run that completed just as the case arrived: the next attempt starts a new run.
          if (err instanceof WorkflowNotFoundError && attempt < 3) continue;
          throw err;
        }
      }
    },

    /**
     * R13/R11: the person's workflow releases its derived case with the enterprise's fallen cause.
     * A person whose loop has closed has nothing left in force: answered as already released.
     */
    async releaseDerivedCase(input: { enterprise: TargetRef; person: { targetId: string; caseId: string }; release: Omit<ReleaseWithCause, 'fingerprint'> }): Promise<{ targetId: string; caseId: string; released: string[] }> {
      const { person, release } = input;
      let answer: ActionAnswer;
      try {
        answer = await engine(temporal).workflow.getHandle(targetWorkflowId(person.targetId))
          .executeUpdate(releaseWithCauseUpdate, { args: [release], updateId: `release/${person.caseId}` });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { ...person, released: [] };
        throw err;
      }
      return { ...person, released: (answer.detail.released as string[] | undefined) ?? [] };
    },

    /** R13/R11: a person's derived case released with its enterprise's cause: rows, journal, implementers told. */
    async recordReleasedWithCause(input: TargetRef & ReleaseWithCause & StepChanges & { released: string[] }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        await markCaseReleased(tx, input.caseId, at);
        const [enterprise] = await tx.select({ documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.enterpriseCaseId));
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/released-with-cause`, targetId: input.targetId, caseId: input.caseId,
          kind: 'released_with_cause', rule: 'R11', at,
          detail: {
            enterpriseCaseId: input.enterpriseCaseId, documentNumber: enterprise?.documentNumber ?? null, reason: input.reason,
            released: input.released, superseded: input.superseded ?? [],
          },
        });
        await releaseMeasures(tx, input, input.released, input.reason);
      });
    },
  };
}
