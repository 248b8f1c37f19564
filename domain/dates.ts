// Calendar dates ('YYYY-MM-DD') and instants in Asia/Shanghai, independent of the server's
// time zone: dates are handled as UTC midnights and China has had no DST since 1991, so
// Asia/Shanghai is a fixed UTC+08:00.
export type IsoDate = string;

const DAY_MS = 86_400_000;
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD', refusing impossible dates such as 2025-02-30. */
export function parseIsoDate(value: string): IsoDate | null {
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return value;
}

export function toEpochDay(date: IsoDate): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function fromEpochDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (toEpochDay(date) + 4) % 7; // 1970-01-01 was a Thursday
}

/** The date in Asia/Shanghai of an instant. */
export function shanghaiDateOf(instant: Date | number | string): IsoDate {
  const ms = new Date(instant).getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant at which a Shanghai date ends (24:00 = 00:00 of the next day, +08:00). */
export function endOfShanghaiDay(date: IsoDate): { at: string; epochMs: number } {
  const next = addDays(date, 1);
  return { at: `${next}T00:00:00+08:00`, epochMs: Date.UTC(...ymd(next)) - SHANGHAI_OFFSET_MS };
}

/** The instant at which a Shanghai date starts (00:00 +08:00), as ISO in UTC. */
export function startOfShanghaiDay(date: IsoDate): string {
  return new Date(Date.UTC(...ymd(date)) - SHANGHAI_OFFSET_MS).toISOString();
}

/** An instant written in Asia/Shanghai with its offset, e.g. 2025-01-06T09:30:00+08:00. */
export function toShanghaiIso(instant: Date | number | string): string {
  const ms = new Date(instant).getTime();
  return `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** 'YYYY-MM' → the month after it. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** 'YYYY-MM' → its last day. */
export function lastDayOfMonth(month: string): IsoDate {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

function ymd(date: IsoDate): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m - 1, d];
}
