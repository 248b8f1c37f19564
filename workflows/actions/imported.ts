// Issue 17, bulk import: a case already in force comes in with the steps the old system saw
// taken (R5 received, pushed to implementers, acknowledged; R6–R8 measures in force since their
// dates). None of them is owed again; what remains (R9 reports from the import's month on, R10
// period ends, R8 publicity, release) runs as for any case. Workflow code: deterministic.
import type { TargetBook } from '../../domain/loop/book';
import { activate, syncPeriodEnds } from '../../domain/loop/measures';
import { feedbackSpecs, syncFeedbackMonth } from '../../domain/loop/feedback';
import { shanghaiDateOf, startOfShanghaiDay } from '../../domain/dates';
import type { OpenStep, StepSpec } from '../../domain/steps';
import { acts } from '../activities';
import type { CaseState, CaseStatus, MeasureState, TakenSteps } from '../messages';
import { publicize, published } from './publicity';
import { owed, type Ctx } from './support';

/** The patch under which intake takes an imported case's steps as already taken (issue 17). */
export const IMPORTED_CASES = 'imported-cases';

/** R5: where an imported case stands: pushed to implementers, received, or only filed. */
export function importedStatus(t: TakenSteps): CaseStatus {
  return t.implementers.length > 0 ? 'implementing' : t.receivedOn ? 'received' : 'pushed';
}

export function importedImplementers(t: TakenSteps): CaseState['implementers'] {
  return t.implementers.map((i) => ({
    agencyId: i.agencyId, measures: i.measures, acknowledgedAt: i.acknowledgedOn ? startOfShanghaiDay(i.acknowledgedOn) : null,
  }));
}

/** R5: the steps an imported case still owes at intake: receipt, the push and acknowledgements not taken. */
export function importedOpenSteps(c: CaseState, t: TakenSteps, on: string, remaining: string[]): StepSpec[] {
  const open: StepSpec[] = [];
  if (c.status === 'pushed') open.push(owed('receipt', c, c.authorityId, on));
  if (remaining.length > 0) open.push(owed('implementer_push', c, c.authorityId, on));
  for (const i of t.implementers) if (!i.acknowledgedOn) open.push(owed('acknowledgement', c, i.agencyId, i.pushedOn));
  return open;
}

/** The patch under which an imported case is filed by one activity, the case and its steps taken together (issue 17). */
export const IMPORTED_ONE_ACTIVITY = 'imported-one-activity';

/** What the steps taken change, known before anything is written: the measures in force, the R9 reports owed. */
export interface Taking { activated: MeasureState[]; open: StepSpec[]; month: string }

/**
 * R6–R8: the acknowledged measures are in force since their dates, each to the end of its period
 * (R10: one already past is released at once by its timer); R9: their reports are owed from the
 * import's month on. Needs nothing the case's recording answers (its push deadline), so it is
 * computed before the one activity that writes both (imported-one-activity).
 */
export function takingOf(book: TargetBook, c: CaseState, t: TakenSteps): Taking {
  const today = shanghaiDateOf(t.importedAt);
  const activated = t.implementers.filter((i) => i.acknowledgedOn)
    .flatMap((i) => activate(c, i.agencyId, (code) => t.inForceSince[code] ?? i.acknowledgedOn!));
  const month = today.slice(0, 7);
  const reporting = [...new Set(activated.filter((m) => m.feedbackSet && (m.periodEnd === null || m.periodEnd >= today)).map((m) => m.implementerId))];
  return { activated, open: feedbackSpecs(book, month, reporting.sort()), month };
}

/** The workflow's own timers for what was taken: R10 period ends, the R9 month-end. */
function syncTaken(book: TargetBook, c: CaseState, k: Taking): void {
  syncPeriodEnds(book, c);
  syncFeedbackMonth(book, k.month);
}

/**
 * The steps taken were written (`opened` answered), and R8 the publicity orders with them (`sent`,
 * computed by `publicityDue` before the activity): the book takes them.
 */
export function tookSteps(book: TargetBook, c: CaseState, k: Taking, opened: OpenStep[], sent: Parameters<typeof published>[1] | null): OpenStep[] {
  syncTaken(book, c, k);
  book.addSteps(opened);
  return [...opened, ...(sent ? published(book, sent) : [])];
}

/** Workflows that filed before imported-one-activity: the steps taken by a second activity, after recordCase. */
export async function takeSteps(ctx: Ctx, c: CaseState, t: TakenSteps): Promise<OpenStep[]> {
  const { book, ref } = ctx;
  const k = takingOf(book, c, t);
  syncTaken(book, c, k);
  const { opened } = await acts.recordTakenSteps({ ...ref, caseId: c.caseId, taken: t, status: c.status, activated: k.activated, open: k.open });
  book.addSteps(opened);
  return [...opened, ...await publicize(ctx, t.importedAt)];
}

/** R13: what was taken for these measures of the case (an enterprise's own, or those on its persons). */
export function takenFor(t: TakenSteps, measures: { code: string }[]): TakenSteps {
  const codes = new Set(measures.map((m) => m.code));
  return {
    ...t,
    implementers: t.implementers.map((i) => ({ ...i, measures: i.measures.filter((m) => codes.has(m)) })).filter((i) => i.measures.length > 0),
    inForceSince: Object.fromEntries(Object.entries(t.inForceSince).filter(([code]) => codes.has(code))),
  };
}
