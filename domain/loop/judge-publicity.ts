// The judge's rules for what reaches the platforms and the party: a platform confirms only its
// own orders, once (R8); a letter's delivery is recorded once, on a day that has come (R17); and
// 004's limits on repairing published information. Pure.
import { repairOpensOn } from '../publicity';
import type { Verdict } from './judge';
import { findOrder, publishedSince } from './publicity';
import { FORBIDDEN, REFUSED, type ActionArgs, type CaseState } from './state';

const refused = (message: string): Verdict => ({ type: REFUSED, message });

export function judgeParty(c: CaseState, name: 'confirmPublicityOrder' | 'recordLetterDelivery',
  args: ActionArgs['confirmPublicityOrder'] & ActionArgs['recordLetterDelivery'], today: string): Verdict | null {
  if (name === 'confirmPublicityOrder') {
    const found = findOrder(c, args.orderId);
    if (!found) return refused(`no publicity order ${args.orderId} on this case`);
    if (found.record.publisherId !== args.actor) return { type: FORBIDDEN, message: 'only the platform this order was sent to may confirm it' };
    return found.order.confirmedOn ? refused(`order ${args.orderId} was already confirmed on ${found.order.confirmedOn}`) : null;
  }
  const letter = c.letters.find((l) => l.letterId === args.letterId);
  if (!letter) return refused(`no letter ${args.letterId} on this case`);
  if (letter.deliveredOn) return refused(`letter ${args.letterId} was already delivered on ${letter.deliveredOn}`);
  if (args.deliveredOn > today) return refused(`the delivery day ${args.deliveredOn} is in the future`);
  if (args.deliveredOn < letter.issuedOn) return refused(`the delivery day ${args.deliveredOn} is before the letter was issued (${letter.issuedOn})`);
  return null;
}

/**
 * 004 §二(三)8: published penalty information may be repaired once it has been published six
 * months, except in the fields left out (food, drugs, special equipment), whose publicity runs
 * its course. Applies to a case published under terms fixed at intake; null: no such limit.
 */
export function publicityRepairRefusal(c: CaseState, today: string): string | null {
  if (!c.terms || c.terms.minorMonths || !c.publicity.some((r) => r.live)) return null;
  if (c.terms.repairAfterMonths === null) {
    return 'published penalty information in the food, drug and special-equipment fields is not repaired early (004 §二(三)8)';
  }
  const since = publishedSince(c);
  if (!since) return `the case is not yet published; a repair may be applied for ${c.terms.repairAfterMonths} months after publication (004 §二(三)8)`;
  const opens = repairOpensOn(since, c.terms.repairAfterMonths);
  return today < opens ? `published since ${since}: a repair may be applied for from ${opens} (004 §二(三)8 公示满六个月)` : null;
}
