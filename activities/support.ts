// What every activity of the target workflow shares: the journal line with its provenance,
// the step changes an action makes (steps closed, superseded and opened, their deadlines
// resolved from the calendar as loaded now), and the target reference.
import { activityInfo, type Info as ActivityInfo } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { and, inArray, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { fixedDayRule, stepDeadlineSetting } from '../db/calendar-store';
import { journal, steps } from '../db/schema';
import { resolveDeadlineSpec } from '../domain/deadlines';
import { journalActivityId } from '../domain/engine-links';
import { isConfigurable, isObligation, openedStep, type DeadlineSpec, type OpenStep, type StepKind, type StepSpec } from '../domain/steps';
import type { Deadline, WorkingCalendar } from '../domain/working-days';

export interface ActivityDeps {
  db: Db;
  /**
   * The working-day calendar as loaded now (R16); read by activities, never by workflows. Inside a
   * transaction it is read on the transaction's own connection (`calendar(tx)`): a transaction that
   * waited for a second pooled connection would deadlock the pool once as many activities as it has
   * connections held theirs (a worker stalled so under the bulk import).
   */
  calendar: (executor?: DbOrTx) => Promise<WorkingCalendar>;
  /** The engine, for the activities that reach another target's workflow (R13: a person's derived case). */
  temporal?: Client;
}

export interface TargetRef {
  workflowId: string;
  targetId: string;
}

/** The running activity's info; null when called outside one (a test calling the function directly). */
function currentActivity(): ActivityInfo | null {
  try {
    return activityInfo();
  } catch {
    return null;
  }
}

/**
 * A journal line with where it came from: the workflow run and activity that wrote it, so the
 * supervisors' timeline links to the engine's event. `agencyId` is the acting agency (the key's),
 * or for an overdue step the one responsible; null for the system.
 */
export async function writeJournal(tx: DbOrTx, row: typeof journal.$inferInsert): Promise<void> {
  const info = currentActivity();
  const provenance = info ? { runId: info.workflowExecution?.runId, activityId: journalActivityId(info.activityId, info.isLocal) } : {};
  await tx.insert(journal).values({ agencyId: null, ...row, ...provenance }).onConflictDoNothing();
}

/** The instant the workflow asked for this (on the engine's clock), for lines that have no instant of their own. */
export function scheduledInstant(fallback: string): Date {
  const ms = currentActivity()?.scheduledTimestampMs;
  return new Date(ms ?? Date.parse(fallback));
}

/** R16, R9: a step's deadline as the calendar now counts it. */
export async function resolveDeadline(db: DbOrTx, calendar: WorkingCalendar, spec: DeadlineSpec, kind?: StepKind): Promise<Deadline> {
  // A step the seeds give no number for counts the working days an ADMIN set, if any.
  const setting = kind && isConfigurable(kind) && 'workingDays' in spec ? await stepDeadlineSetting(db, kind) : null;
  const counted = setting ? { ...spec, workingDays: setting } : spec;
  return resolveDeadlineSpec(calendar, counted, 'feedbackMonth' in spec ? await fixedDayRule(db, 'monthly_feedback') : undefined);
}

/** What an action does to the target's steps: done, no longer owed, newly owed. */
export interface StepChanges {
  closed?: string[];
  superseded?: string[];
  open?: StepSpec[];
}

export const stepRowId = (targetId: string, key: string) => `${targetId}/${key}`;

/**
 * Writes an action's step changes in its transaction and returns the opened steps with their
 * deadlines resolved. Only obligations have rows (system timers live in the workflow alone).
 */
export async function applyStepChanges(
  tx: DbOrTx, calendar: WorkingCalendar, target: TargetRef, change: StepChanges & { at: string; actor: string | null },
): Promise<OpenStep[]> {
  const at = new Date(change.at);
  const done = (keys: string[] | undefined, outcome: 'done' | 'superseded') => keys?.length
    ? tx.update(steps).set({ doneAt: at, doneBy: outcome === 'done' ? change.actor : null, outcome })
      .where(and(inArray(steps.id, keys.map((k) => stepRowId(target.targetId, k))), isNull(steps.doneAt)))
    : undefined;
  await done(change.closed, 'done');
  await done(change.superseded, 'superseded');
  const opened: OpenStep[] = [];
  for (const spec of change.open ?? []) {
    const step = openedStep(spec, await resolveDeadline(tx, calendar, spec.deadline, spec.kind));
    opened.push(step);
    if (!isObligation(spec.kind)) continue;
    await tx.insert(steps).values({
      id: stepRowId(target.targetId, step.key), kind: step.kind, rule: step.rule, targetId: target.targetId,
      caseId: step.caseId, agencyId: step.agencyId, month: step.month ?? null,
      openedAt: at, dueAt: new Date(step.due.dueAtMs), provisional: step.due.provisional,
    }).onConflictDoNothing();
  }
  return opened;
}
