// R8 Publicity as the loop keeps it: each measure with platforms is published on each while it is
// in force, marked under objection (异议标注) while an objection or complaint is handled, and
// withdrawn through the original channel when it is released (period end, objection, repair,
// revocation) or five years after publication. One function compares what should be published
// with what was ordered and gives the orders to send; the platforms' confirmations complete
// them. Pure.
import { autoWithdrawalDay } from '../publicity';
import { workingDaysOf, type StepKind, type StepSpec } from '../steps';
import { complaintPending, objectionPending } from './case';
import type { CaseState, PublicityOrderState, PublicityState } from './state';

export type OrderKind = PublicityOrderState['kind'];

/** An order to send: which record, what to do, and the step the platform owes. */
export interface OrderSpec {
  orderId: string;
  recordId: string;
  caseId: string;
  code: string;
  channel: string;
  kind: OrderKind;
  /** The record is to show 异议标注. */
  marked: boolean;
  /** The platform the record went to first; null for a new record (the activity picks one for its channel). */
  publisherId: string | null;
  step: StepSpec;
}

export const ORDER_STEP: Record<OrderKind, StepKind> = {
  publish: 'publication', mark: 'publicity_marking', unmark: 'publicity_marking', withdraw: 'publicity_withdrawal',
};

const pending = (r: PublicityState) => r.orders.filter((o) => !o.confirmedOn);

/** The step key of an order (its ref is the order id). */
export const orderStepKey = (caseId: string, o: { orderId: string; kind: OrderKind }) => `${ORDER_STEP[o.kind]}/${caseId}/${o.orderId}`;

function order(c: CaseState, r: PublicityState, kind: OrderKind, today: string): OrderSpec {
  const orderId = `${r.recordId}.${r.orders.length + 1}`;
  r.orders.push({ orderId, kind, sentOn: today, confirmedOn: null });
  const stepKind = ORDER_STEP[kind];
  // R8: publication counts from the decision (7 working days, a blacklist 10); the others from today.
  const deadline = kind === 'publish'
    ? { workingDays: workingDaysOf(stepKind, false, c.seriousness !== 'general'), from: c.decidedOn }
    : { workingDays: workingDaysOf(stepKind), from: today };
  return {
    orderId, recordId: r.recordId, caseId: c.caseId, code: r.code, channel: r.channel, kind, marked: r.marked, publisherId: r.publisherId,
    step: { kind: stepKind, caseId: c.caseId, agencyId: null, ref: orderId, deadline },
  };
}

/**
 * The orders the case needs now, and the steps no longer owed (a publication or marking still
 * unconfirmed when its record is withdrawn, the five-year timer of a withdrawn record).
 */
export function syncPublicity(c: CaseState, today: string): { orders: OrderSpec[]; superseded: string[] } {
  const orders: OrderSpec[] = [];
  const superseded: string[] = [];
  const underObjection = objectionPending(c) || complaintPending(c);
  for (const m of c.measures) {
    if (!m.publicity?.length) continue;
    const inForce = c.inForce.find((x) => x.code === m.code);
    const live = Boolean(inForce && inForce.status !== 'released');
    for (const channel of m.publicity) {
      const cycles = c.publicity.filter((r) => r.code === m.code && r.channel === channel);
      const r = cycles[cycles.length - 1];
      if (live && (!r || !r.live)) {
        const cycle = cycles.length + 1;
        const fresh: PublicityState = {
          recordId: `${c.caseId}.${m.code}.${channel}.${cycle}`, code: m.code, channel, cycle, publisherId: null,
          live: true, marked: underObjection, publishedOn: null, withdrawnOn: null, orders: [],
        };
        c.publicity.push(fresh);
        orders.push(order(c, fresh, 'publish', today));
      } else if (!live && r?.live) {
        superseded.push(...pending(r).map((o) => orderStepKey(c.caseId, o)), `publicity_expiry/${c.caseId}/${r.recordId}`);
        r.live = false;
        orders.push(order(c, r, 'withdraw', today));
      } else if (live && r?.live && r.marked !== underObjection) {
        // A mark not yet carried out is no longer owed once it is to be lifted, and the reverse.
        superseded.push(...pending(r).filter((o) => o.kind === 'mark' || o.kind === 'unmark').map((o) => orderStepKey(c.caseId, o)));
        r.marked = underObjection;
        orders.push(order(c, r, underObjection ? 'mark' : 'unmark', today));
      }
    }
  }
  return { orders, superseded };
}

/** The record and order a platform confirms, or null when the case has no such order. */
export function findOrder(c: CaseState, orderId: string): { record: PublicityState; order: PublicityOrderState } | null {
  for (const record of c.publicity) {
    const found = record.orders.find((o) => o.orderId === orderId);
    if (found) return { record, order: found };
  }
  return null;
}

/**
 * A platform confirmed an order: a publication starts the five-year count (returns the timer's
 * spec), a withdrawal ends the record.
 */
export function confirmOrder(c: CaseState, orderId: string, today: string): { kind: OrderKind; expiry: StepSpec | null } {
  const { record, order: o } = findOrder(c, orderId)!;
  o.confirmedOn = today;
  if (o.kind === 'withdraw') record.withdrawnOn = today;
  if (o.kind !== 'publish' || record.publishedOn) return { kind: o.kind, expiry: null };
  record.publishedOn = today;
  if (!record.live) return { kind: o.kind, expiry: null };
  const last = autoWithdrawalDay(today);
  return { kind: o.kind, expiry: { kind: 'publicity_expiry', caseId: c.caseId, agencyId: null, ref: record.recordId, deadline: { endOfDay: last } } };
}

/** 004: the day the case's publicity began (its first confirmed publication), or null. */
export function publishedSince(c: CaseState): string | null {
  const days = c.publicity.map((r) => r.publishedOn).filter((d): d is string => d !== null).sort();
  return days[0] ?? null;
}
