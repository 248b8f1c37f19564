// Typed stand-ins for the activities in workflow-only tests: they compute deadlines with the
// real pure calendar and remember what the workflow asked to record.
import type { Activities } from '../../activities';
import { shanghaiDateOf } from '../../domain/dates';
import { addWorkingDays, calendarOf, type YearSchedule } from '../../domain/working-days';

export function recordingActivities(schedules: YearSchedule[] = []) {
  const calendar = calendarOf(schedules);
  const calls = {
    cases: [] as Parameters<Activities['recordCase']>[0][],
    receipts: [] as Parameters<Activities['recordReceipt']>[0][],
    overdue: [] as Parameters<Activities['recordOverdue']>[0][],
  };
  const activities: Activities = {
    async computeDeadline({ after, workingDays }) {
      return addWorkingDays(calendar, shanghaiDateOf(after), workingDays);
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
  return { activities, calls };
}
