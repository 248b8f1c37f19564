// One long-lived workflow per disciplinary target (enterprise or person). It holds every
// case against the target; causes arrive by signal-with-start, deadlines are timers.
import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, setHandler, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { acts } from './activities';
import { shanghaiDateOf } from '../domain/dates';
import type { Deadline } from '../domain/working-days';
import {
  acknowledgedSignal, calendarChangedSignal, caseFiledSignal, caseReceivedSignal, caseReleasedSignal, targetActionUpdate,
  commitmentFulfilledSignal, feedbackReportedSignal, implementersSelectedSignal, objectionDecidedSignal,
  objectionFiledSignal, repairDecidedSignal, repairFiledSignal, targetStateQuery,
  type CalendarChanged, type CaseFiled, type CaseReceived, type CaseReleased, type CommitmentFulfilled, type DeadlineState,
  type FeedbackReported, type ImplementationAcknowledged, type ObjectionDecided, type ObjectionFiled, type RepairDecided,
  type RepairFiled,
  type ImplementersSelected, type TargetMessage, type TargetWorkflowInput,
} from './messages';
import { openStepsKey, provisionalYearsKey } from './search-attributes';
import { TargetBook, type OpenDeadline } from './target-state';


/** R5: the AUTHORITY receives a pushed case within 3 working days (收到后3个工作日内). */
export const RECEIPT_WORKING_DAYS = 3;
/** R5: an implementer acknowledges the measures pushed to it within 3 working days. */
export const ACKNOWLEDGE_WORKING_DAYS = 3;

/** Versions: workflows started before a patch keep the behaviour their history recorded. */
export const PATCH_PROVISIONAL_YEARS = 'r16-provisional-years-search-attribute';
export const PATCH_ESCALATION_REPEATS = 'r14-escalation-repeats';
export const PATCH_ACTIVATE_ON_ACKNOWLEDGEMENT = 'r6-activate-measures-on-acknowledgement';
export const PATCH_MONTHLY_FEEDBACK = 'r9-monthly-feedback';
export const PATCH_COMPLETE_WHEN_CLOSED = 'r10-complete-when-loop-closed';
export const PATCH_ESCALATE_ALL_STEPS = 'r14-reminders-for-every-step';
export const PATCH_HEAL_EVERY_DEADLINE = 'r16-heal-every-deadline';
/** R14 on R9: a missing report's reminder is a reminder, not the month's due date again. */
export const PATCH_FEEDBACK_REMINDER_ROUTED = 'r14-feedback-reminder-routed';
export const PATCH_REPAIR_DECISION_FIRST = 'r12-decision-before-release';

/** R11: the verifier answers an objection within 15 working days (002 篇五). */
export const OBJECTION_VERIFY_WORKING_DAYS = 15;
/** R11: after an upheld objection the AUTHORITY releases within 3 working days of the confirmation. */
export const OBJECTION_RELEASE_WORKING_DAYS = 3;
/** R12: a repair application is reviewed within 15 working days (002 篇十三). */
export const REPAIR_REVIEW_WORKING_DAYS = 15;

const deadlineState = (d: Deadline): DeadlineState => ({
  from: d.from, workingDays: d.workingDays, due: d.due, dueAt: d.dueAt, dueAtMs: d.dueAtMs,
  provisional: d.provisional, missingYears: d.missingYears,
});

export async function targetWorkflow(input: TargetWorkflowInput): Promise<void> {
  const book = input.state ? new TargetBook(input.state) : TargetBook.open(input.targetId, input.kind);
  const inbox: TargetMessage[] = [...(input.pending ?? [])];
  // Messages are handled in arrival order; an Update waits until its own has been.
  let queued = inbox.length;
  let handled = 0;
  const enqueue = (message: TargetMessage): number => {
    inbox.push(message);
    return ++queued;
  };
  const workflowId = workflowInfo().workflowId;
  const targetId = book.state.targetId;
  let openSteps = -1;
  let searchAttributes = '';

  setHandler(caseFiledSignal, (body) => void enqueue({ type: 'caseFiled', body }));
  setHandler(caseReceivedSignal, (body) => void enqueue({ type: 'caseReceived', body }));
  setHandler(calendarChangedSignal, (body) => void enqueue({ type: 'calendarChanged', body }));
  setHandler(implementersSelectedSignal, (body) => void enqueue({ type: 'implementersSelected', body }));
  setHandler(acknowledgedSignal, (body) => void enqueue({ type: 'acknowledged', body }));
  setHandler(feedbackReportedSignal, (body) => void enqueue({ type: 'feedbackReported', body }));
  setHandler(objectionFiledSignal, (body) => void enqueue({ type: 'objectionFiled', body }));
  setHandler(objectionDecidedSignal, (body) => void enqueue({ type: 'objectionDecided', body }));
  setHandler(caseReleasedSignal, (body) => void enqueue({ type: 'caseReleased', body }));
  setHandler(repairFiledSignal, (body) => void enqueue({ type: 'repairFiled', body }));
  setHandler(repairDecidedSignal, (body) => void enqueue({ type: 'repairDecided', body }));
  setHandler(commitmentFulfilledSignal, (body) => void enqueue({ type: 'commitmentFulfilled', body }));
  setHandler(targetStateQuery, () => book.state);

  // Agencies' actions as Updates: refused by the validator with the reason, or answered once handled.
  setHandler(targetActionUpdate, async (action) => {
    const position = enqueue(action);
    await condition(() => handled >= position);
    return { accepted: true, type: action.type };
  }, {
    validator: (action) => {
      const why = book.refusal(action);
      if (why) throw ApplicationFailure.nonRetryable(why, 'ActionRefused');
    },
  });

  async function caseFiled(filed: CaseFiled): Promise<void> {
    if (book.has(filed.caseId)) return;
    const due = await acts.computeDeadline({ after: filed.pushedAt, workingDays: RECEIPT_WORKING_DAYS });
    const c = book.addCase(filed, deadlineState(due));
    await acts.recordCase({ workflowId, targetId, filed, receiptDueAt: c.receiptDue?.dueAt ?? null });
  }

  async function caseReceived(received: CaseReceived): Promise<void> {
    if (!book.receive(received)) return;
    await acts.recordReceipt({ workflowId, targetId, ...received });
  }

  /** R5: pushed to implementers (receiving the case too, if it was not yet); each acknowledges. */
  async function implementersSelected(sel: ImplementersSelected): Promise<void> {
    if (!book.find(sel.caseId) || book.find(sel.caseId)!.status === 'implementing') return;
    const due = await acts.computeDeadline({ after: sel.at, workingDays: ACKNOWLEDGE_WORKING_DAYS });
    const { wasUnreceived } = book.selectImplementers(sel, deadlineState(due))!;
    if (wasUnreceived) await acts.recordReceipt({ workflowId, targetId, caseId: sel.caseId, by: sel.by, receivedAt: sel.at });
    await acts.recordImplementers({ workflowId, targetId, ...sel, acknowledgeDueAt: due.dueAt });
  }

  async function acknowledged(ack: ImplementationAcknowledged): Promise<void> {
    if (!book.acknowledge(ack)) return;
    await acts.recordAcknowledgement({ workflowId, targetId, ...ack });
    // R6–R8: the implementer's measures are in force from the acknowledgement, each with the
    // period end its pinned period rule gives (computed by an activity from the calendar).
    if (!patched(PATCH_ACTIVATE_ON_ACKNOWLEDGEMENT)) return;
    const codes = book.find(ack.caseId)?.implementers?.find((i) => i.agencyId === ack.agencyId)?.measures ?? [];
    const activeFrom = shanghaiDateOf(ack.at);
    const active = await acts.activateMeasures({ workflowId, targetId, caseId: ack.caseId, implementerId: ack.agencyId, codes, activeFrom });
    book.activate(ack.caseId, active);
    // R9: from the month a feedback-set measure comes into force, reports are due every month.
    if (active.some((m) => m.feedbackSet) && patched(PATCH_MONTHLY_FEEDBACK) && book.feedbackIdle()) {
      const month = activeFrom.slice(0, 7);
      const due = await acts.feedbackDue({ month });
      book.setFeedbackDue(month, deadlineState(due));
    }
  }

  /** R9: the reports on a month are due: every implementer that owes one is overdue; then the next month. */
  async function feedbackDue(deadline: OpenDeadline): Promise<void> {
    const month = deadline.month!;
    const detectedAt = new Date().toISOString();
    const owing = book.owingFor(month);
    for (const implementerId of owing) {
      await acts.recordOverdue({
        workflowId, targetId, step: `feedback:${month}:${implementerId}`, rule: 'R9',
        dueAt: deadline.dueAt, detectedAt, responsibleAgencyId: implementerId,
      });
    }
    // R14: each missing report is reminded until it arrives.
    if (owing.length > 0 && patched(PATCH_ESCALATE_ALL_STEPS)) {
      const next = await acts.nextReminder({ from: shanghaiDateOf(deadline.dueAtMs - 1), step: 'feedback' });
      for (const agencyId of owing) book.remindStep({ caseId: '', step: 'feedback', agencyId, month }, false, deadlineState(next));
    }
    const next = book.nextFeedbackMonth(month);
    book.setFeedbackDue(next, next ? deadlineState(await acts.feedbackDue({ month: next })) : null);
  }

  /** R11: an objection suspends the measures (联合惩戒措施在信息核实期间暂不执行) and starts verification. */
  async function objectionFiled(o: ObjectionFiled): Promise<void> {
    const c = book.find(o.caseId);
    if (!c || (c.objection && !c.objection.outcome)) return;
    const due = await acts.computeDeadline({ after: o.at, workingDays: OBJECTION_VERIFY_WORKING_DAYS });
    const { suspended } = book.objectionFiled(o, shanghaiDateOf(o.at), deadlineState(due))!;
    await acts.recordObjection({ workflowId, targetId, ...o, suspended, verifyDueAt: due.dueAt });
  }

  async function objectionDecided(d: ObjectionDecided): Promise<void> {
    const result = book.objectionDecided(d, shanghaiDateOf(d.at));
    if (!result) return;
    let releaseDueAt: string | null = null;
    if (d.outcome === 'upheld') {
      const due = await acts.computeDeadline({ after: d.at, workingDays: OBJECTION_RELEASE_WORKING_DAYS });
      book.setObjectionReleaseDue(d.caseId, deadlineState(due));
      releaseDueAt = due.dueAt;
    }
    await acts.recordObjectionDecision({ workflowId, targetId, ...d, resumed: result.resumed, releaseDueAt });
  }

  /** R11: the AUTHORITY releases every measure of the case, stops publicity and tells the implementers. */
  async function caseReleased(r: CaseReleased): Promise<void> {
    const codes = book.releasedAfterObjection(r, shanghaiDateOf(r.at));
    if (!codes) return;
    for (const code of codes) await acts.releaseMeasure({ workflowId, targetId, caseId: r.caseId, code, reason: 'objection', at: r.at });
    await acts.recordObjectionRelease({ workflowId, targetId, caseId: r.caseId, by: r.by, at: r.at });
  }

  /** R12: a credit-repair application; reviewed within 15 working days. */
  async function repairFiled(r: RepairFiled): Promise<void> {
    const c = book.find(r.caseId);
    if (!c || (c.repair && !c.repair.outcome)) return;
    const due = await acts.computeDeadline({ after: r.at, workingDays: REPAIR_REVIEW_WORKING_DAYS });
    book.repairFiled(r, deadlineState(due));
    await acts.recordRepair({ workflowId, targetId, ...r, reviewDueAt: due.dueAt });
  }

  /** R12: approved → publicity stops at once and the measures are released, legal minimums aside. */
  async function repairDecided(d: RepairDecided): Promise<void> {
    const result = book.repairDecided(d, shanghaiDateOf(d.at));
    if (!result) return;
    // The decision is recorded before the releases it causes, so the story reads in that order.
    const decisionFirst = patched(PATCH_REPAIR_DECISION_FIRST);
    if (decisionFirst) await acts.recordRepairDecision({ workflowId, targetId, ...d, ...result });
    for (const code of result.releasedNow) {
      await acts.releaseMeasure({ workflowId, targetId, caseId: d.caseId, code, reason: 'repair', at: d.at });
    }
    if (!decisionFirst) await acts.recordRepairDecision({ workflowId, targetId, ...d, ...result });
  }

  async function commitmentFulfilled(f: CommitmentFulfilled): Promise<void> {
    if (!book.commitmentFulfilled(f, shanghaiDateOf(f.at))) return;
    await acts.recordCommitment({ workflowId, targetId, caseId: f.caseId, repairId: f.repairId, kept: true, reinstated: [], at: f.at });
  }

  /** R12: the promised materials did not arrive by the date: the repair is revoked, and that is recorded. */
  async function commitmentBroken(deadline: OpenDeadline): Promise<void> {
    const repairId = book.find(deadline.caseId)!.repair!.repairId;
    const reinstated = book.commitmentBroken(deadline.caseId, shanghaiDateOf(deadline.dueAtMs - 1));
    await acts.recordCommitment({ workflowId, targetId, caseId: deadline.caseId, repairId, kept: false, reinstated, at: new Date().toISOString() });
  }

  async function feedbackReported(report: FeedbackReported): Promise<void> {
    if (!book.reported(report)) return;
    await acts.recordFeedback({ workflowId, targetId, ...report });
  }

  /** R10: at the end of its period a measure is released and its implementer told. */
  async function periodEnded(deadline: OpenDeadline): Promise<void> {
    // In force through its last day: released on that day, at 24:00 — for the repair that was
    // waiting on its legal minimum (R12), or because its period ended (R10).
    const m = book.find(deadline.caseId)?.activeMeasures?.find((x) => x.code === deadline.code);
    const reason = m?.pendingRelease?.reason ?? 'period_end';
    if (!book.release(deadline.caseId, deadline.code!, reason, shanghaiDateOf(deadline.dueAtMs - 1))) return;
    await acts.releaseMeasure({ workflowId, targetId, caseId: deadline.caseId, code: deadline.code!, reason, at: new Date().toISOString() });
  }

  /** R16: recompute provisional deadlines in the loaded years; the main loop re-arms the timer. */
  async function calendarChanged(change: CalendarChanged): Promise<void> {
    for (const pending of book.provisionalDeadlinesIn(change.years, patched(PATCH_HEAL_EVERY_DEADLINE))) {
      const { deadline } = pending;
      const fresh = pending.month
        ? await acts.feedbackDue({ month: pending.month })
        : await acts.computeDeadline({ from: deadline.from, workingDays: deadline.workingDays });
      pending.replace(deadlineState(fresh));
      if (fresh.dueAtMs === deadline.dueAtMs && fresh.provisional === deadline.provisional) continue;
      await acts.recordDeadlineRecomputed({
        workflowId, targetId, caseId: pending.caseId ?? undefined, step: pending.step, rule: pending.rule,
        oldDue: deadline.dueAt, newDue: fresh.dueAt, provisional: fresh.provisional,
        reason: change.reason,
        // A deadline moved before now is flagged; the step then falls overdue at once.
        movedIntoPast: fresh.dueAtMs < Date.now(),
        at: new Date().toISOString(),
      });
    }
  }

  /** R14: a deadline passed: record it and tell; then remind at the configured interval. */
  async function overdue(deadline: OpenDeadline): Promise<void> {
    const detectedAt = new Date().toISOString();
    if (deadline.kind === 'due') {
      book.markOverdue(deadline);
      await acts.recordOverdue({
        workflowId, targetId, caseId: deadline.caseId,
        step: stepKey(deadline),
        rule: deadline.rule, dueAt: deadline.dueAt, detectedAt, responsibleAgencyId: deadline.agencyId,
      });
    } else if (deadline.step === 'receipt') {
      const reminder = book.remind(deadline.caseId, null);
      await acts.recordEscalation({
        workflowId, targetId, caseId: deadline.caseId, step: deadline.step, rule: deadline.rule, reminder, detectedAt,
      });
    } else {
      const reminder = book.remindStep(deadline, true, null);
      await acts.recordEscalation({
        workflowId, targetId, caseId: deadline.caseId || undefined, step: stepKey(deadline), rule: deadline.rule,
        reminder, detectedAt, responsibleAgencyId: deadline.agencyId,
      });
    }
    // Counted from the day the deadline (or the last reminder) ended: every N working days.
    const from = shanghaiDateOf(deadline.dueAtMs - 1);
    if (deadline.step === 'receipt' && patched(PATCH_ESCALATION_REPEATS)) {
      const next = await acts.nextReminder({ from, step: deadline.step });
      book.scheduleReminder(deadline.caseId, deadlineState(next));
    } else if (deadline.step !== 'receipt' && book.stillOpen(deadline) && patched(PATCH_ESCALATE_ALL_STEPS)) {
      const next = await acts.nextReminder({ from, step: deadline.step });
      book.remindStep(deadline, false, deadlineState(next));
    }
  }

  /** The overdue record's step: per implementer for acknowledgements, per month and implementer for reports. */
  function stepKey(d: OpenDeadline): string {
    if (d.step === 'acknowledgement') return `acknowledgement:${d.agencyId}`;
    if (d.step === 'feedback') return `feedback:${d.month}:${d.agencyId}`;
    return d.step;
  }

  function publishSearchAttributes(): void {
    if (patched(PATCH_PROVISIONAL_YEARS)) {
      const years = book.provisionalYears(patched(PATCH_HEAL_EVERY_DEADLINE));
      const next = `${book.openSteps()}|${years.join(',')}`;
      if (next === searchAttributes) return;
      searchAttributes = next;
      upsertSearchAttributes([
        { key: openStepsKey, value: book.openSteps() },
        { key: provisionalYearsKey, value: years },
      ]);
    } else if (book.openSteps() !== openSteps) {
      openSteps = book.openSteps();
      upsertSearchAttributes([{ key: openStepsKey, value: openSteps }]);
    }
  }

  for (;;) {
    while (inbox.length > 0) {
      const message = inbox.shift()!;
      switch (message.type) {
        case 'caseFiled': await caseFiled(message.body); break;
        case 'caseReceived': await caseReceived(message.body); break;
        case 'calendarChanged': await calendarChanged(message.body); break;
        case 'implementersSelected': await implementersSelected(message.body); break;
        case 'acknowledged': await acknowledged(message.body); break;
        case 'feedbackReported': await feedbackReported(message.body); break;
        case 'objectionFiled': await objectionFiled(message.body); break;
        case 'objectionDecided': await objectionDecided(message.body); break;
        case 'caseReleased': await caseReleased(message.body); break;
        case 'repairFiled': await repairFiled(message.body); break;
        case 'repairDecided': await repairDecided(message.body); break;
        case 'commitmentFulfilled': await commitmentFulfilled(message.body); break;
      }
      handled += 1; // after its activities: an Update waiting on it answers now
    }
    publishSearchAttributes();

    // The loop is closed for this target: the run completes; a new cause starts a new run
    // with the same workflow id (signal-with-start), its history kept in PostgreSQL.
    if (inbox.length === 0 && book.finished() && patched(PATCH_COMPLETE_WHEN_CLOSED)) {
      await acts.recordTargetClosed({ workflowId, targetId, at: new Date().toISOString() });
      await condition(allHandlersFinished);
      return;
    }

    // Long life: a new run carries the state and any message not yet handled.
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (input.historyLimit && info.historyLength > input.historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof targetWorkflow>({
        targetId, kind: book.state.kind, state: book.state, pending: inbox, historyLimit: input.historyLimit,
      });
    }

    const next = book.nextDeadline();
    if (!next) {
      await condition(() => inbox.length > 0);
    } else if (!(await condition(() => inbox.length > 0, Math.max(0, next.dueAtMs - Date.now())))) {
      if (next.step === 'period_end') await periodEnded(next);
      // A reminder of a missing report was once taken for the month's due date (which re-armed
      // an old date and looped); runs from before the fix replay the old way.
      else if (next.step === 'feedback' && (next.kind === 'due' || !patched(PATCH_FEEDBACK_REMINDER_ROUTED))) await feedbackDue(next);
      else if (next.step === 'repair_commitment') await commitmentBroken(next);
      else await overdue(next);
    }
  }
}
