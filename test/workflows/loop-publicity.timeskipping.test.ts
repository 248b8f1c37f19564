// R8 publicity and R17 letters in the Java time-skipping server: a measure with platforms is
// published on each while in force, marked under objection, withdrawn when released or five
// years after publication; every order is a step the platform owes, overdue when not confirmed.
// The party's notice is delivered by the AUTHORITY within 3 working days (R17).
import { describe, expect, it } from 'vitest';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { periodEnd } from '../../domain/periods';
import type { PinnedMeasure } from '../../domain/measures';
import { recordHistory } from '../support/histories';
import type { recordingActivities } from '../support/mock-activities';
import { AUTHORITY, ENFORCEMENT, pinned, refusal, targetDriver } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const GSXT = 'publisher-gsxt';
const CREDITCHINA = 'publisher-creditchina';
const adverse = (over: Partial<PinnedMeasure> = {}) =>
  pinned('DM-P', { category: 'R8', implementerKind: 'authority', feedbackSet: false, publicity: ['gsxt', 'creditchina'], period: { years: 3 }, ...over });

type Driver = ReturnType<typeof targetDriver> & { rec: ReturnType<typeof recordingActivities> };

/** The case filed, the publicity measure pushed to the AUTHORITY itself and acknowledged: in force, published. */
async function published(t: Driver, over: object = {}, measure = adverse()) {
  await t.file('C1', { measures: [measure], ...over });
  await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: AUTHORITY, kind: 'authority', measures: [measure.code] }] });
  return t.act('acknowledge', { caseId: 'C1', actor: AUTHORITY });
}

const orders = (t: Driver) => t.rec.calls.issuePublicityOrders.flatMap((c) => c.orders.map((o) => [o.kind, o.channel, o.orderId]));
const overdue = (t: Driver, kind: string) => t.rec.calls.recordOverdue.filter((c) => c.step.kind === kind).map((c) => c.step.agencyId);

describe('R8 publicity (time skipping)', () => {
  it('R8: a measure in force is ordered published on each of its platforms within 7 working days of the decision; only that platform confirms; an unconfirmed one is overdue', () =>
    suite.withTarget('r8-publish', async (t) => {
      const ack = await published(t);
      const today = shanghaiDateOf(Date.parse(ack.at));
      expect(ack.opened.filter((s) => s.kind === 'publication').map((s) => [s.agencyId, s.rule])).toEqual([[GSXT, 'R8'], [CREDITCHINA, 'R8']]);
      expect(orders(t)).toEqual([['publish', 'gsxt', 'C1.DM-P.gsxt.1.1'], ['publish', 'creditchina', 'C1.DM-P.creditchina.1.1']]);
      expect(await refusal(t.act('confirmPublicityOrder', { caseId: 'C1', actor: CREDITCHINA, orderId: 'C1.DM-P.gsxt.1.1', reference: 'X' })))
        .toMatchObject({ type: 'ActionForbidden' });
      const confirmed = await t.act('confirmPublicityOrder', { caseId: 'C1', actor: GSXT, orderId: 'C1.DM-P.gsxt.1.1', reference: 'GSXT-001' });
      expect(confirmed.closed).toEqual(['publication/C1/C1.DM-P.gsxt.1.1']);
      const expiry = (await t.state()).steps.find((s) => s.kind === 'publicity_expiry')!;
      expect(expiry.due.due).toBe(periodEnd(today, { years: 5 }));
      expect((await refusal(t.act('confirmPublicityOrder', { caseId: 'C1', actor: GSXT, orderId: 'C1.DM-P.gsxt.1.1', reference: 'again' }))).message)
        .toMatch(/already confirmed/);
      await suite.env().sleep('16 days');
      expect(overdue(t, 'publication')).toEqual([CREDITCHINA]);
      await recordHistory(t.handle(), 'target-publicity');
    }));

  it('R8: an objection marks the record on every platform within 1 working day (异议标注); its rejection unmarks it', () =>
    suite.withTarget('r8-mark', async (t) => {
      await published(t);
      for (const [actor, orderId] of [[GSXT, 'C1.DM-P.gsxt.1.1'], [CREDITCHINA, 'C1.DM-P.creditchina.1.1']]) {
        await t.act('confirmPublicityOrder', { caseId: 'C1', actor, orderId, reference: orderId });
      }
      const filed = await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '当事人称信息有误' });
      expect(filed.opened.filter((s) => s.kind === 'publicity_marking').map((s) => s.agencyId)).toEqual([GSXT, CREDITCHINA]);
      expect(orders(t).slice(2).map(([kind]) => kind)).toEqual(['mark', 'mark']);
      await suite.env().sleep('4 days');
      expect(overdue(t, 'publicity_marking')).toEqual([GSXT, CREDITCHINA]);
      await t.act('decideObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', outcome: 'rejected', reason: '经核实无误' });
      expect(orders(t).slice(4).map(([kind]) => kind)).toEqual(['unmark', 'unmark']);
      // The unconfirmed marking orders are not owed once the mark is lifted.
      expect((await t.state()).steps.filter((s) => s.kind === 'publicity_marking').map((s) => s.ref)).toEqual(['C1.DM-P.gsxt.1.3', 'C1.DM-P.creditchina.1.3']);
    }));

  it('R8: a repair releases the measure and the record is ordered withdrawn through the same platform within 3 working days; unconfirmed, overdue', () =>
    suite.withTarget('r8-withdraw', async (t) => {
      await published(t);
      await t.act('confirmPublicityOrder', { caseId: 'C1', actor: GSXT, orderId: 'C1.DM-P.gsxt.1.1', reference: 'G1' });
      await t.act('fileRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', commitment: null });
      const decided = await t.act('decideRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', outcome: 'approved', reason: '已整改' });
      expect(decided.opened.filter((s) => s.kind === 'publicity_withdrawal').map((s) => s.agencyId)).toEqual([GSXT, CREDITCHINA]);
      // The publication never confirmed is no longer owed; the five-year timer of the withdrawn record stops.
      const kinds = (await t.state()).steps.map((s) => s.kind);
      expect(kinds).not.toContain('publication');
      expect(kinds).not.toContain('publicity_expiry');
      await t.act('confirmPublicityOrder', { caseId: 'C1', actor: GSXT, orderId: 'C1.DM-P.gsxt.1.2', reference: 'G1-W' });
      await suite.env().sleep('6 days');
      expect(overdue(t, 'publicity_withdrawal')).toEqual([CREDITCHINA]);
      const record = (await t.state()).cases[0].publicity.find((r) => r.channel === 'gsxt')!;
      expect(record).toMatchObject({ live: false, withdrawnOn: expect.any(String) });
    }));

  it('R8: five years after publication the record is withdrawn and the measure released, even when its period runs longer', () =>
    suite.withTarget('r8-five-years', async (t) => {
      const ack = await published(t, {}, adverse({ period: { years: 8 } }));
      const today = shanghaiDateOf(Date.parse(ack.at));
      for (const [actor, orderId] of [[GSXT, 'C1.DM-P.gsxt.1.1'], [CREDITCHINA, 'C1.DM-P.creditchina.1.1']]) {
        await t.act('confirmPublicityOrder', { caseId: 'C1', actor, orderId, reference: orderId });
      }
      await suite.env().sleep(`${5 * 366 + 2} days`);
      expect(t.rec.calls.releaseMeasure).toEqual([expect.objectContaining({ code: 'DM-P', reason: 'period_end' })]);
      expect(shanghaiDateOf(t.rec.calls.releaseMeasure[0].at)).toBe(addDays(periodEnd(today, { years: 5 }), 1));
      expect(orders(t).slice(2).map(([kind]) => kind)).toEqual(['withdraw', 'withdraw']);
    }));
});

describe('004 publicity terms and R17 letters (time skipping)', () => {
  it('004: published penalty information is repaired only after 6 months of publicity, never early in the food field', () =>
    suite.withTarget('r8-repair-terms', async (t) => {
      await published(t, { terms: { minorMonths: null, repairAfterMonths: 6 } });
      await t.act('confirmPublicityOrder', { caseId: 'C1', actor: GSXT, orderId: 'C1.DM-P.gsxt.1.1', reference: 'G1' });
      const published0 = shanghaiDateOf(await t.now());
      expect((await refusal(t.act('fileRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', commitment: null }))).message)
        .toBe(`published since ${published0}: a repair may be applied for from ${addDays(periodEnd(published0, { months: 6 }), 1)} (004 §二(三)8 公示满六个月)`);
      await t.file('C2', { measures: [adverse()], terms: { minorMonths: null, repairAfterMonths: null } });
      await t.act('pushToImplementers', { caseId: 'C2', actor: AUTHORITY, implementers: [{ agencyId: AUTHORITY, kind: 'authority', measures: ['DM-P'] }] });
      await t.act('acknowledge', { caseId: 'C2', actor: AUTHORITY });
      expect((await refusal(t.act('fileRepair', { caseId: 'C2', actor: ENFORCEMENT, repairId: 'R2', commitment: null }))).message)
        .toMatch(/food, drug and special-equipment fields is not repaired early/);
    }));

  it('R17: the notice to the party is delivered by the AUTHORITY within 3 working days, on a day that has come; undelivered, overdue', () =>
    suite.withTarget('r17-letter', async (t) => {
      const filed = await t.file('C1');
      expect(filed.opened.filter((s) => s.kind === 'letter_delivery').map((s) => [s.agencyId, s.rule])).toEqual([[AUTHORITY, 'R17']]);
      const today = shanghaiDateOf(await t.now());
      expect((await refusal(t.act('recordLetterDelivery', { caseId: 'C1', actor: AUTHORITY, letterId: 'C1.L1', deliveredOn: addDays(today, -1), way: 'post' }))).message)
        .toMatch(/before the letter was issued/);
      expect(await refusal(t.act('recordLetterDelivery', { caseId: 'C1', actor: ENFORCEMENT, letterId: 'C1.L1', deliveredOn: today, way: 'post' })))
        .toMatchObject({ type: 'ActionForbidden' });
      await t.file('C2');
      await suite.env().sleep('8 days');
      expect(overdue(t, 'letter_delivery')).toEqual([AUTHORITY, AUTHORITY]);
      const done = await t.act('recordLetterDelivery', { caseId: 'C1', actor: AUTHORITY, letterId: 'C1.L1', deliveredOn: today, way: 'direct' });
      expect(done.closed).toEqual(['letter_delivery/C1']);
      expect(t.rec.calls.recordLetterDelivery).toEqual([expect.objectContaining({ letterId: 'C1.L1', way: 'direct', closed: ['letter_delivery/C1'] })]);
    }));
});
