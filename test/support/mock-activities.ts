// Typed stand-ins for the activities in workflow-only tests: they compute deadlines with the
// real pure calendar and remember what the workflow asked to record.
import type { Activities } from '../../activities';
import { addDays, endOfShanghaiDay, shanghaiDateOf } from '../../domain/dates';
import { feedbackDueOn7th } from '../../domain/periods';
import { addWorkingDays, calendarOf, type YearSchedule } from '../../domain/working-days';

type TargetActivities = Pick<Activities,
  'computeDeadline' | 'recordCase' | 'recordReceipt' | 'recordOverdue' | 'recordDeadlineRecomputed' | 'nextReminder' | 'recordEscalation'
  | 'recordImplementers' | 'recordAcknowledgement' | 'activateMeasures' | 'releaseMeasure' | 'feedbackDue' | 'recordFeedback'
  | 'recordObjection' | 'recordObjectionDecision' | 'recordObjectionRelease' | 'recordRepair' | 'recordRepairDecision' | 'recordCommitment'
  | 'recordTargetClosed'>;

export function recordingActivities(schedules: YearSchedule[] = [], periodDays: number | null = null, feedbackSet = false) {
  let calendar = calendarOf(schedules);
  const current = () => calendar;
  /** R12: legal minimum periods (days from activation) by measure code, set per test. */
  const minimumDays: Record<string, number> = {};
  /** Stands in for an administrator loading a year into the database. */
  const loadYear = (schedule: YearSchedule) => {
    calendar = calendarOf([...calendar.years.values(), schedule]);
  };
  const calls = {
    cases: [] as Parameters<Activities['recordCase']>[0][],
    receipts: [] as Parameters<Activities['recordReceipt']>[0][],
    overdue: [] as Parameters<Activities['recordOverdue']>[0][],
    recomputed: [] as Parameters<Activities['recordDeadlineRecomputed']>[0][],
    escalations: [] as Parameters<Activities['recordEscalation']>[0][],
    implementers: [] as Parameters<Activities['recordImplementers']>[0][],
    acknowledgements: [] as Parameters<Activities['recordAcknowledgement']>[0][],
    releases: [] as Parameters<Activities['releaseMeasure']>[0][],
    feedbackDue: [] as string[],
    reports: [] as Parameters<Activities['recordFeedback']>[0][],
    objections: [] as Parameters<Activities['recordObjection']>[0][],
    decisions: [] as Parameters<Activities['recordObjectionDecision']>[0][],
    objectionReleases: [] as Parameters<Activities['recordObjectionRelease']>[0][],
    repairs: [] as Parameters<Activities['recordRepair']>[0][],
    repairDecisions: [] as Parameters<Activities['recordRepairDecision']>[0][],
    commitments: [] as Parameters<Activities['recordCommitment']>[0][],
    closed: [] as Parameters<Activities['recordTargetClosed']>[0][],
  };
  const activities: TargetActivities = {
    async computeDeadline({ from, after, workingDays }) {
      return addWorkingDays(current(), from ?? shanghaiDateOf(after!), workingDays);
    },
    async recordDeadlineRecomputed(input) {
      calls.recomputed.push(input);
    },
    /** R14 reminders every 2 working days, the default interval. */
    async nextReminder({ from }) {
      return addWorkingDays(current(), from, 2);
    },
    async recordEscalation(input) {
      calls.escalations.push(input);
    },
    async recordImplementers(input) {
      calls.implementers.push(input);
    },
    async recordAcknowledgement(input) {
      calls.acknowledgements.push(input);
    },
    /** Every measure runs for `periodDays` from its activation (set per test). */
    async activateMeasures({ codes, implementerId, activeFrom }) {
      return codes.map((code) => ({
        code, implementerId, status: 'active' as const, activeFrom,
        periodEnd: periodDays === null ? null : addDays(activeFrom, periodDays), feedbackSet,
        minimumEnd: minimumDays[code] === undefined ? null : addDays(activeFrom, minimumDays[code]),
      }));
    },
    async releaseMeasure(input) {
      calls.releases.push(input);
    },
    async feedbackDue({ month }) {
      calls.feedbackDue.push(month);
      const d = feedbackDueOn7th(current(), month);
      const end = endOfShanghaiDay(d.due);
      return { from: `${month}-01`, workingDays: 0, due: d.due, dueAt: end.at, dueAtMs: end.epochMs, provisional: d.provisional, missingYears: [] };
    },
    async recordFeedback(input) {
      calls.reports.push(input);
    },
    async recordObjection(input) {
      calls.objections.push(input);
    },
    async recordObjectionDecision(input) {
      calls.decisions.push(input);
    },
    async recordObjectionRelease(input) {
      calls.objectionReleases.push(input);
    },
    async recordRepair(input) {
      calls.repairs.push(input);
    },
    async recordRepairDecision(input) {
      calls.repairDecisions.push(input);
    },
    async recordCommitment(input) {
      calls.commitments.push(input);
    },
    async recordTargetClosed(input) {
      calls.closed.push(input);
    },
    async recordCase(input) {
      calls.cases.push(input);
    },
    async recordReceipt(input) {
      calls.receipts.push(input);
    },
    async recordOverdue(input) {
      calls.overdue.push(input);
    },
  };
  return { activities, calls, loadYear, minimumDays };
}
