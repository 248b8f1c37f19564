// R8 Publicity: orders to the platforms (publish, mark under objection, unmark, withdraw), each
// a signed webhook to the platform (the outbox) and a line of its feed (GET /publicity/feed),
// each a step the platform owes; and the platforms' confirmations with their own references.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { cases, publicityOrders, publicityRecords } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import { ORDER_LABELS } from '../domain/publicity';
import type { OrderSpec } from '../domain/loop/publicity';
import type { OpenStep } from '../domain/steps';
import type { WorkingCalendar } from '../domain/working-days';
import type { ConfirmPublicityOrder } from '../workflows/messages';
import { agenciesWithRoles, notify } from './notices';
import { publicityRecord, publisherOf } from './publicity-record';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

export function createPublicityActivities({ db, calendar }: ActivityDeps) {
  return {
    /** R8: sends the orders (`writePublicityOrders`), in one transaction. */
    async issuePublicityOrders(input: PublicityOrdersInput): Promise<PublicityOrdersSent> {
      return db.transaction(async (tx) => writePublicityOrders(tx, await calendar(tx), input));
    },

    /** R8: the platform confirmed an order with its own reference: the record's status follows. */
    async recordPublicityConfirmation(input: TargetRef & ConfirmPublicityOrder & StepChanges & { kind: OrderSpec['kind']; recordId: string }): Promise<void> {
      const at = new Date(input.at);
      const on = shanghaiDateOf(input.at);
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        await tx.update(publicityOrders).set({ confirmedAt: at, reference: input.reference }).where(eq(publicityOrders.id, input.orderId));
        if (input.kind === 'publish') {
          await tx.update(publicityRecords).set({ status: 'published', publishedOn: on, updatedAt: at })
            .where(and(eq(publicityRecords.id, input.recordId), eq(publicityRecords.status, 'due')));
        } else if (input.kind === 'withdraw') {
          await tx.update(publicityRecords).set({ status: 'withdrawn', withdrawnOn: on, updatedAt: at }).where(eq(publicityRecords.id, input.recordId));
        }
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/publicity/${input.orderId}/confirmed`, targetId: input.targetId,
          caseId: input.caseId, kind: 'publicity_confirmed', rule: 'R8', at,
          detail: { orderId: input.orderId, order: input.kind, recordId: input.recordId, code: input.recordId.split('.').at(-3), reference: input.reference },
        });
      });
    },
  };
}

export type PublicityOrdersInput = TargetRef & { orders: OrderSpec[]; superseded: string[]; at: string };
export interface PublicityOrdersSent { opened: OpenStep[]; publishers: Record<string, string | null> }

/**
 * R8: the orders, written in the caller's transaction: each record's platform (the one of its
 * channel, kept for the record's life), the record as it reads now, the step the platform owes.
 * Returns the opened steps and each record's platform.
 */
export async function writePublicityOrders(tx: DbOrTx, cal: WorkingCalendar, input: PublicityOrdersInput): Promise<PublicityOrdersSent> {
  const at = new Date(input.at);
  const publishers: Record<string, string | null> = {};
  const open = [];
  for (const o of input.orders) {
    const publisherId = o.publisherId ?? publishers[o.recordId] ?? await publisherOf(tx, o.channel, o.caseId);
    publishers[o.recordId] = publisherId;
    const [c] = await tx.select({ pushedBy: cases.pushedBy }).from(cases).where(eq(cases.id, o.caseId));
    // 谁产生、谁负责: with no platform registered for the channel, the producing agency owes it.
    open.push({ ...o.step, agencyId: publisherId ?? c?.pushedBy ?? null });
  }
  const opened = await applyStepChanges(tx, cal, input, { open, superseded: input.superseded, at: input.at, actor: null });
  for (const o of input.orders) {
    const publisherId = publishers[o.recordId];
    const step = opened.find((s) => s.ref === o.orderId)!;
    const record = await publicityRecord(tx, o);
    const status = o.kind === 'publish' ? 'due' : undefined;
    await tx.insert(publicityRecords).values({
      id: o.recordId, caseId: o.caseId, targetId: input.targetId, code: o.code, channel: o.channel, publisherId,
      status: 'due', underObjection: o.marked, record, updatedAt: at,
    }).onConflictDoUpdate({ target: publicityRecords.id, set: { underObjection: o.marked, record, updatedAt: at, ...(status && { status }) } });
    await tx.insert(publicityOrders).values({
      id: o.orderId, recordId: o.recordId, caseId: o.caseId, targetId: input.targetId, workflowId: input.workflowId, publisherId,
      kind: o.kind, record, dueAt: new Date(step.due.dueAtMs), createdAt: at,
    }).onConflictDoNothing();
    const eventKey = `${input.workflowId}/publicity/${o.orderId}`;
    await writeJournal(tx, {
      agencyId: publisherId, eventKey, targetId: input.targetId, caseId: o.caseId, kind: 'publicity_ordered', rule: 'R8', at,
      detail: { orderId: o.orderId, order: o.kind, code: o.code, channel: o.channel, publisherId, dueAt: step.due.dueAt, marked: o.marked },
    });
    const told = publisherId ? [publisherId] : await agenciesWithRoles(tx, ['SUPERVISOR']);
    await notify(tx, {
      eventKey, agencyIds: told, kind: 'publicity_order', rule: 'R8', at: input.at,
      subject: `请于 ${step.due.due} 前对「${record.subject.name}」的「${record.measure.name}」${ORDER_LABELS[o.kind]}${publisherId ? '' : `（${o.channel} 无登记的公示平台）`}`,
      detail: { orderId: o.orderId, order: o.kind, recordId: o.recordId, caseId: o.caseId, dueAt: step.due.dueAt, record },
    });
  }
  return { opened, publishers };
}
