// R16, R9: a step's deadline as the calendar counts it, from what the step counts from. Pure:
// the calendar and the non-working-day rule of the 7th are given by the caller (an activity).
import { feedbackDueOn7th, type NonWorkingDayRule } from './periods';
import type { DeadlineSpec } from './steps';
import { addWorkingDays, deadlineOnDate, type Deadline, type WorkingCalendar } from './working-days';

export function resolveDeadlineSpec(calendar: WorkingCalendar, spec: DeadlineSpec, seventhRule: NonWorkingDayRule = 'next_working_day'): Deadline {
  if ('workingDays' in spec) return addWorkingDays(calendar, spec.from, spec.workingDays);
  if ('endOfDay' in spec) return deadlineOnDate(spec.endOfDay);
  const d = feedbackDueOn7th(calendar, spec.feedbackMonth, seventhRule);
  return {
    ...deadlineOnDate(d.due), from: `${spec.feedbackMonth}-01`,
    provisional: d.provisional, missingYears: d.provisional ? [Number(d.due.slice(0, 4))] : [],
  };
}
