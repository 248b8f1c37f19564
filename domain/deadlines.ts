// R16, R9: a step's deadline as the calendar counts it, from what the step counts from. Pure:
// the calendar and the non-working-day rule of the 7th are given by the caller (an activity).
import { feedbackDueOn7th, type NonWorkingDayRule } from './periods';
import type { DeadlineSpec } from './steps';
import { addWorkingDays, deadlineOnDate, type Deadline, type WorkingCalendar } from './working-days';

export interface FeedbackDueRule {
  nonWorkingDay: NonWorkingDayRule;
  /** The day of the next month (7 under 000 §二(五)). */
  day: number;
}

export function resolveDeadlineSpec(calendar: WorkingCalendar, spec: DeadlineSpec, due: FeedbackDueRule = { nonWorkingDay: 'next_working_day', day: 7 }): Deadline {
  if ('workingDays' in spec) return addWorkingDays(calendar, spec.from, spec.workingDays);
  if ('endOfDay' in spec) return deadlineOnDate(spec.endOfDay);
  const d = feedbackDueOn7th(calendar, spec.feedbackMonth, due.nonWorkingDay, due.day);
  return {
    ...deadlineOnDate(d.due), from: `${spec.feedbackMonth}-01`,
    provisional: d.provisional, missingYears: d.provisional ? [Number(d.due.slice(0, 4))] : [],
  };
}
