// Typed stand-ins for the target workflow's activities in workflow-only tests: they resolve
// deadlines with the real pure calendar and remember what the workflow asked to record.
import type { Activities } from '../../activities';
import { shanghaiDateOf } from '../../domain/dates';
import { resolveDeadlineSpec } from '../../domain/deadlines';
import { openedStep, type StepSpec } from '../../domain/steps';
import { addWorkingDays, calendarOf, type YearSchedule } from '../../domain/working-days';

type TargetActivities = Pick<Activities,
  'recordCase' | 'recordReceipt' | 'recordImplementers' | 'recordAcknowledgement' | 'releaseMeasure' | 'recordFeedback'
  | 'openFeedbackMonth' | 'recordObjection' | 'recordObjectionDecision' | 'recordCaseReleased' | 'recordRepair'
  | 'recordRepairDecision' | 'recordCommitment' | 'recordOverdue' | 'recordReminder' | 'recomputeDeadlines' | 'recordTargetClosed'
  | 'computeDeadline' | 'recordNotApplicable' | 'recordUpwardHop' | 'recordConsultationAnswer' | 'recordComplaint'
  | 'recordComplaintDecision' | 'recordCauseChange' | 'recordAdjustment' | 'issuePublicityOrders' | 'recordPublicityConfirmation'
  | 'recordLetterDelivery'>;

type Calls = { [K in keyof TargetActivities]: Parameters<TargetActivities[K]>[0][] };

/** R14 reminders every 2 working days, the default interval. */
const REMINDER_INTERVAL = 2;

/** `record: false` answers the same and remembers nothing (the memory bench). */
export function recordingActivities(schedules: YearSchedule[] = [], { record: remember = true } = {}) {
  let calendar = calendarOf(schedules);
  /** Stands in for an administrator loading a year into the database. */
  const loadYear = (schedule: YearSchedule) => {
    calendar = calendarOf([...calendar.years.values(), schedule]);
  };
  const open = (specs: StepSpec[] | undefined) => (specs ?? []).map((s) => openedStep(s, resolveDeadlineSpec(calendar, s.deadline)));
  const calls = new Proxy({} as Calls, { get: (t, k: string) => ((t as Record<string, unknown[]>)[k] ??= []) });
  const record = <K extends keyof Calls>(name: K, input: Calls[K][number]) => { if (remember) calls[name].push(input as never); };

  const activities: TargetActivities = {
    async recordCase(input) {
      record('recordCase', input);
      const f = input.filed;
      const push = resolveDeadlineSpec(calendar, { workingDays: f.consultation ? 15 : 3, from: f.receivedOn ?? f.document.issuedOn });
      return { push, late: Date.parse(f.at) > push.dueAtMs, opened: open(input.open) };
    },
    async recordReceipt(input) { record('recordReceipt', input); },
    async recordImplementers(input) { record('recordImplementers', input); return { opened: open(input.open) }; },
    async recordAcknowledgement(input) { record('recordAcknowledgement', input); return { opened: open(input.open) }; },
    async releaseMeasure(input) { record('releaseMeasure', input); },
    async recordFeedback(input) { record('recordFeedback', input); },
    async openFeedbackMonth(input) { record('openFeedbackMonth', input); return { opened: open(input.open) }; },
    async recordObjection(input) { record('recordObjection', input); return { opened: open(input.open) }; },
    async recordObjectionDecision(input) { record('recordObjectionDecision', input); return { opened: open(input.open) }; },
    async recordCaseReleased(input) { record('recordCaseReleased', input); },
    async recordRepair(input) { record('recordRepair', input); return { opened: open(input.open) }; },
    async recordRepairDecision(input) { record('recordRepairDecision', input); },
    async recordCommitment(input) { record('recordCommitment', input); return { opened: open(input.open) }; },
    async recordOverdue(input) {
      record('recordOverdue', input);
      return { next: addWorkingDays(calendar, input.step.due.due, REMINDER_INTERVAL) };
    },
    async recordReminder(input) {
      record('recordReminder', input);
      return { next: addWorkingDays(calendar, (input.step.nextReminder ?? input.step.due).due, REMINDER_INTERVAL) };
    },
    async recomputeDeadlines(input) {
      record('recomputeDeadlines', input);
      return input.steps.flatMap((s) => {
        const fresh = resolveDeadlineSpec(calendar, s.kind === 'feedback' && s.month ? { feedbackMonth: s.month } : { workingDays: s.due.workingDays, from: s.due.from });
        return fresh.dueAtMs === s.due.dueAtMs && fresh.provisional === s.due.provisional ? [] : [{ key: s.key, due: fresh }];
      });
    },
    async recordTargetClosed(input) { record('recordTargetClosed', input); },
    async recordNotApplicable(input) { record('recordNotApplicable', input); },
    async recordUpwardHop(input) { record('recordUpwardHop', input); return { opened: open(input.open) }; },
    async recordConsultationAnswer(input) { record('recordConsultationAnswer', input); },
    async recordComplaint(input) { record('recordComplaint', input); return { opened: open(input.open) }; },
    async recordComplaintDecision(input) { record('recordComplaintDecision', input); return { opened: open(input.open) }; },
    async recordCauseChange(input) { record('recordCauseChange', input); return { opened: open(input.open) }; },
    async recordAdjustment(input) { record('recordAdjustment', input); },
    /** R8: each channel's platform is `publisher-<channel>`. */
    async issuePublicityOrders(input) {
      record('issuePublicityOrders', input);
      const publishers = Object.fromEntries(input.orders.map((o) => [o.recordId, o.publisherId ?? `publisher-${o.channel}`]));
      return { opened: open(input.orders.map((o) => ({ ...o.step, agencyId: publishers[o.recordId] }))), publishers };
    },
    async recordPublicityConfirmation(input) { record('recordPublicityConfirmation', input); },
    async recordLetterDelivery(input) { record('recordLetterDelivery', input); },
    async computeDeadline({ from, after, workingDays }) {
      return addWorkingDays(calendar, from ?? shanghaiDateOf(after!), workingDays);
    },
  };
  return { activities, calls, loadYear };
}
