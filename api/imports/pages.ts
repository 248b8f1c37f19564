// Issue 17, bulk import: an import's pending rows handed out a page at a time to a bounded number
// of fillers, so that `limit` rows are always in flight: a page is read when the one before it
// is handed out, while its rows are still being filed, and no page waits for its slowest row.

/** How a pass ended: every row handled, a row stalled (nothing more handed out), or stopped from outside. */
export type PassOutcome = 'done' | 'stalled' | 'stopped';

export async function drainPages<T>(opts: {
  limit: number;
  /** The next page, [] when none is left, null to stop (the lease lost). Read by one filler at a time. */
  readPage: () => Promise<T[] | null>;
  /** Files one item; false when it stalled (it stays for the next pass). */
  handle: (item: T) => Promise<boolean>;
  /** Stop handing out (the instance closing). */
  stopped: () => boolean;
}): Promise<PassOutcome> {
  let page: T[] = [];
  let exhausted = false;
  let outcome: PassOutcome = 'done';
  let reading: Promise<void> | null = null;
  const read = async () => {
    const rows = await opts.readPage();
    if (rows === null) outcome = 'stopped';
    else if (rows.length === 0) exhausted = true;
    else page = rows;
  };
  const open = () => outcome === 'done' && !opts.stopped();
  const next = async (): Promise<T | undefined> => {
    while (page.length === 0 && !exhausted && open()) {
      reading ??= read().finally(() => { reading = null; });
      await reading;
    }
    return open() ? page.shift() : undefined;
  };
  // A filler that fails (the database gone) stops the others taking rows; the pass ends when the
  // rows in flight have, and then fails with the first error.
  const fillers = await Promise.allSettled(Array.from({ length: opts.limit }, async () => {
    try {
      for (let item = await next(); item !== undefined; item = await next()) {
        if (!await opts.handle(item) && outcome === 'done') outcome = 'stalled';
      }
    } catch (err) {
      outcome = 'stopped';
      throw err;
    }
  }));
  const failed = fillers.find((f): f is PromiseRejectedResult => f.status === 'rejected');
  if (failed) throw failed.reason;
  return outcome === 'done' && opts.stopped() ? 'stopped' : outcome;
}
