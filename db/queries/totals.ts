// How many rows a paged list reports (issue 17). Counting every match checks each one against the
// reader's scope, and at a province's size that count took longer than the page itself: a regional
// SUPERVISOR whose region holds 100 000 targets waited 95–107 ms for it alone. So a list counts
// its matches up to a bound and says whether the total is exact, as Elasticsearch's
// `track_total_hits` does; the bound always lies past the page asked for, so the pager still
// knows whether a next page exists.
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../client';

/** Lists count their matches exactly up to this many (a province's SUPERVISOR reads "at least 10 000"). */
export const TOTAL_COUNTED_UP_TO = 10_000;

export interface Total {
  /** The matches counted: all of them when `totalExact`, otherwise a lower bound. */
  total: number;
  /** False when there are at least `total` matches, and possibly more. */
  totalExact: boolean;
}

/** The number of rows to count for the page at `offset`: the bound, or one past the page when it lies deeper. */
export const countBound = (offset: number, limit: number, upTo = TOTAL_COUNTED_UP_TO) => Math.max(upTo, offset + limit + 1);

/** Counts the rows of `matches` (a select of the matching rows, no order) up to `bound`. */
export async function countUpTo(db: Db, matches: SQLWrapper, bound: number): Promise<Total> {
  const [{ n }] = await db.execute<{ n: number }>(sql`select count(*)::int as n from (${matches} limit ${bound}) m`);
  return { total: n, totalExact: n < bound };
}
