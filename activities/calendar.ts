// The calendar the activities compute with. Until a year's State Council schedule is
// loaded, that year is counted Monday–Friday and every deadline in it is provisional (R16).
import { calendarOf, type WorkingCalendar, type YearSchedule } from '../domain/working-days';

export function staticCalendar(schedules: YearSchedule[] = []): () => Promise<WorkingCalendar> {
  const calendar = calendarOf(schedules);
  return async () => calendar;
}
