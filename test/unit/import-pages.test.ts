// Issue 17, bulk import: how an import's pending rows are handed out (api/imports/pages.ts): each
// once, in the file's order, `limit` in flight across page boundaries, and a stalled row or a
// lost lease stops the pass.
import { describe, expect, it } from 'vitest';
import { drainPages } from '../../api/imports/pages';

/** Pages of `size` over rows 1..n, each read recorded with the rows in flight at that moment. */
function pagesOf(n: number, size: number) {
  let after = 0;
  const reads: number[] = [];
  const state = { inFlight: 0, maxInFlight: 0, handled: [] as number[], reads };
  const readPage = async () => {
    reads.push(state.inFlight);
    const rows = Array.from({ length: Math.min(size, n - after) }, (_, i) => after + i + 1);
    after += rows.length;
    return rows;
  };
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const file = async (row: number, ok = true) => {
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await tick();
    await tick();
    state.inFlight -= 1;
    state.handled.push(row);
    return ok;
  };
  return { state, readPage, file };
}

describe('import pages', () => {
  it('every row is filed once, in the file\'s order, with the limit in flight while the next page is read', async () => {
    const { state, readPage, file } = pagesOf(23, 5);
    const outcome = await drainPages({ limit: 4, readPage, handle: (r) => file(r), stopped: () => false });
    expect(outcome).toBe('done');
    expect([...state.handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(state.handled.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(state.maxInFlight).toBe(4);
    // Pages after the first are read while rows of the one before are still being filed.
    expect(state.reads[0]).toBe(0);
    expect(state.reads.slice(1, -1).every((inFlight) => inFlight > 0)).toBe(true);
    expect(state.reads).toHaveLength(6); // five pages and the empty one that ends the pass
  });

  it('a row the engine did not take stops the pass: no row after it is handed out', async () => {
    const { state, readPage, file } = pagesOf(40, 8);
    const outcome = await drainPages({ limit: 3, readPage, handle: (r) => file(r, r !== 5), stopped: () => false });
    expect(outcome).toBe('stalled');
    // Rows 6 and 7 were already in flight beside row 5; nothing after them started.
    expect(Math.max(...state.handled)).toBeLessThanOrEqual(7);
    expect(state.handled).toContain(5);
  });

  it('a lost lease (no page) or a closing instance stops the pass', async () => {
    const lost = await drainPages({ limit: 2, readPage: async () => null, handle: async () => true, stopped: () => false });
    expect(lost).toBe('stopped');
    const { state, readPage, file } = pagesOf(10, 4);
    let closing = false;
    const closed = await drainPages({ limit: 2, readPage, handle: async (r) => { if (r === 3) closing = true; return file(r); }, stopped: () => closing });
    expect(closed).toBe('stopped');
    expect(Math.max(...state.handled)).toBeLessThanOrEqual(4);
  });

  it('a row that fails (the database gone) stops the pass once the rows in flight are done, and the pass fails with it', async () => {
    const { state, readPage, file } = pagesOf(30, 6);
    const pass = drainPages({
      limit: 3, readPage, stopped: () => false,
      handle: async (r) => { if (r === 4) throw new Error('connection lost'); return file(r); },
    });
    await expect(pass).rejects.toThrow('connection lost');
    expect(state.inFlight).toBe(0);
    expect(Math.max(...state.handled)).toBeLessThanOrEqual(6);
  });
});
