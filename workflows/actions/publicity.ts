// R8 publicity and R17 letters in the workflow: after every action and timer the cases' records
// are compared with what should be published and the orders sent (`publicize`); a platform's
// confirmation completes its order; the AUTHORITY records a letter's delivery. Workflow code:
// deterministic.
import { openStep, type TargetBook } from '../../domain/loop/book';
import { confirmOrder, findOrder, orderStepKey, syncPublicity, type OrderSpec } from '../../domain/loop/publicity';
import { shanghaiDateOf } from '../../domain/dates';
import type { OpenStep } from '../../domain/steps';
import { deadlineOnDate } from '../../domain/working-days';
import { acts } from '../activities';
import { answer, keys, type Ctx, type Handlers } from './support';

/** R8: the orders every case needs now are sent; the steps they open are returned. */
export async function publicize({ book, ref }: Ctx, at: string): Promise<OpenStep[]> {
  const due = publicityDue(book, at);
  if (!due) return [];
  return published(book, await acts.issuePublicityOrders({ ...ref, ...due }));
}

/** The orders `publicize` sends, as the activity takes them. */
export interface PublicityDue { orders: OrderSpec[]; superseded: string[]; at: string }

/** R8: the orders every case needs now, the steps they supersede closed; null when nothing is to be sent. */
export function publicityDue(book: TargetBook, at: string): PublicityDue | null {
  const today = shanghaiDateOf(at);
  const synced = book.state.cases.map((c) => syncPublicity(c, today));
  const orders = synced.flatMap((s) => s.orders);
  if (orders.length === 0) return null;
  const superseded = new Set(synced.flatMap((s) => s.superseded));
  const closed = book.closeSteps((s) => superseded.has(s.key));
  return { orders, superseded: keys(closed), at };
}

/** R8: the orders were sent: each record keeps its platform, the book the steps they opened. */
export function published(book: TargetBook, { opened, publishers }: { opened: OpenStep[]; publishers: Record<string, string | null> }): OpenStep[] {
  for (const c of book.state.cases) for (const r of c.publicity) if (r.recordId in publishers) r.publisherId = publishers[r.recordId];
  book.addSteps(opened);
  return opened;
}

export const publicityHandlers: Handlers<'confirmPublicityOrder' | 'recordLetterDelivery'> = {
  /** R8: the platform did what the order asked; a publication starts the five-year count (002 篇十三 第十六条). */
  async confirmPublicityOrder({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const today = shanghaiDateOf(a.at);
    const { kind, expiry } = confirmOrder(c, a.orderId, today);
    const closed = keys(book.closeSteps((s) => s.key === orderStepKey(c.caseId, { orderId: a.orderId, kind })));
    if (expiry && 'endOfDay' in expiry.deadline) book.addSteps([openStep(expiry, deadlineOnDate(expiry.deadline.endOfDay))]);
    const { record } = findOrder(c, a.orderId)!;
    await acts.recordPublicityConfirmation({ ...ref, ...a, kind, recordId: record.recordId, closed });
    return answer(a, 'confirmPublicityOrder', [], closed, { orderId: a.orderId, kind, recordId: record.recordId });
  },

  /** R17: the notice (or an answer) reached the party, on a day and in a way. */
  async recordLetterDelivery({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const letter = c.letters.find((l) => l.letterId === a.letterId)!;
    letter.deliveredOn = a.deliveredOn;
    const closed = letter.kind === 'determination' ? keys(book.closeStep('letter_delivery', { caseId: c.caseId })) : [];
    await acts.recordLetterDelivery({ ...ref, ...a, closed });
    return answer(a, 'recordLetterDelivery', [], closed, { letterId: a.letterId, deliveredOn: a.deliveredOn, way: a.way });
  },
};
