// R13 Persons as targets of their own (domain/persons.ts). The enterprise's workflow hands the
// measures that fall on persons to each person's workflow, and releases them there when the
// enterprise's cause falls (R11); it never writes a person's rows itself. Each hand-over is an
// activity: retried until the person's workflow has answered, recorded in the enterprise's
// history, and idempotent (the person's Update id is derived from the derived case's id), so a
// crash between the two workflows loses nothing and a retry files nothing twice.
// Workflow code: deterministic.
import { patched } from '@temporalio/workflow';
import { shanghaiDateOf } from '../../domain/dates';
import { splitForPersons } from '../../domain/persons';
import { acts } from '../activities';
import type { ActionAnswer, CaseState, Envelope, FileCase, ReleaseWithCause } from '../messages';
import { releaseCaseWhole } from './objections';
import { answer, type Ctx } from './support';

/** The patch under which an enterprise's case hands its persons' measures to person targets of their own. */
export const R13_PERSON_TARGETS = 'r13-person-targets';

/**
 * R13: the measures of an enterprise's filing that stay with the enterprise, and whether some fall
 * on its persons (then handed over by `fileForPersons` once the case is recorded). Workflows started
 * before person targets kept every measure on the enterprise's case.
 */
export function ownMeasures(f: FileCase): { measures: FileCase['measures']; forPersons: boolean } {
  const { own, persons } = splitForPersons(f.measures);
  if (persons.length === 0 || !patched(R13_PERSON_TARGETS)) return { measures: f.measures, forPersons: false };
  return { measures: own, forPersons: true };
}

/**
 * R13: each person listed with the enterprise's case (read from PostgreSQL by an activity, so no
 * identity number enters this history) gets its derived case, filed into its own workflow by
 * update-with-start. Returns the persons' cases, kept on the enterprise's case for its release.
 */
export async function fileForPersons({ ref }: Ctx, c: CaseState, f: FileCase): Promise<{ targetId: string; caseId: string }[]> {
  const persons = await acts.listedPersons({ caseId: c.caseId });
  const filed = await Promise.all(persons.map((personTargetId) => acts.fileDerivedCase({
    enterprise: ref, filed: f, personTargetId,
  })));
  c.persons = filed;
  return filed;
}

/**
 * R13/R11: the enterprise's case was released because its cause fell: each person's derived case is
 * released with it, by the person's own workflow, the same day and by the same AUTHORITY.
 */
export async function releasePersons({ ref }: Ctx, c: CaseState, reason: ReleaseWithCause['reason'], a: Envelope): Promise<{ persons?: unknown[] }> {
  if (!c.persons?.length || !patched(R13_PERSON_TARGETS)) return {};
  const persons = await Promise.all(c.persons.map((p) => acts.releaseDerivedCase({
    enterprise: ref, person: p, release: { caseId: p.caseId, reason, enterpriseCaseId: c.caseId, actor: a.actor, at: a.at },
  })));
  return { persons };
}

/**
 * R13/R11: in the person's workflow, the derived case is released with the enterprise's cause: every
 * measure released, its other steps no longer owed, publicity withdrawn by the loop. A case not in
 * this run (its loop closed before) or already released has nothing left to release.
 */
export async function releaseWithCause({ book, ref }: Ctx, a: ReleaseWithCause): Promise<ActionAnswer> {
  const c = book.find(a.caseId);
  if (!c || c.status === 'released' || c.derivedFrom?.caseId !== a.enterpriseCaseId) {
    return answer(a, 'releaseWithCause', [], [], { released: [], already: true });
  }
  const on = shanghaiDateOf(a.at);
  const { released, closed, superseded } = releaseCaseWhole(book, c, a.reason, on);
  await acts.recordReleasedWithCause({ ...ref, ...a, released, closed, superseded });
  return answer(a, 'releaseWithCause', [], [...closed, ...superseded], { released, enterpriseCaseId: a.enterpriseCaseId });
}
