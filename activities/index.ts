// Every side effect of the target workflow. Built by a factory that receives its
// dependencies; every write is idempotent (a retried activity never duplicates a row).
import { activityInfo, type Info as ActivityInfo } from '@temporalio/activity';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  caseImplementers, caseMeasures, cases, feedbackReports, journal, measureVersions, objections, overdueSteps, repairs, targets,
} from '../db/schema';
import { endOfShanghaiDay } from '../domain/dates';
import { feedbackDueOn7th, periodEnd } from '../domain/periods';
import { shanghaiDateOf } from '../domain/dates';
import { addWorkingDays, type Deadline, type WorkingCalendar } from '../domain/working-days';
import type {
  CaseFiled, CaseReceived, FeedbackReported, ImplementationAcknowledged, ImplementersSelected, MeasureState,
  ObjectionDecided, ObjectionFiled, RepairDecided, RepairFiled,
} from '../workflows/messages';
import { deadlineRule, escalationInterval } from '../db/calendar-store';
import { createMeasureActivities } from './measures';
import { agenciesWithRoles, notify } from './notices';

/** The steps of the loop as the notices name them ('acknowledgement:<agency>' → 签收). */
const STEP_NAMES: Record<string, string> = {
  receipt: '接收（R5）', acknowledgement: '实施机构签收（R5）', feedback: '月度实施情况反馈（R9）',
  objection_verification: '异议核实（R11）', objection_release: '异议成立后的解除（R11）', repair_review: '信用修复审核（R12）',
};
const stepName = (step: string) => STEP_NAMES[step.split(':')[0]] ?? step;
const RELEASE_RULE = { period_end: 'R10', objection: 'R11', repair: 'R12' } as const;

/** The running activity's info; null when called outside one (a test calling the function directly). */
function currentActivity(): ActivityInfo | null {
  try {
    return activityInfo();
  } catch {
    return null;
  }
}

/**
 * A journal line with who acted and where it came from: the acting agency (explicit, or the
 * `by` / `agencyId` / `implementerId` of its detail; null for the system) and the workflow run
 * and activity that wrote it, so the supervisors' timeline can link to the engine's event.
 */
function journalLine(row: typeof journal.$inferInsert): typeof journal.$inferInsert {
  const detail = (row.detail ?? {}) as Record<string, unknown>;
  const named = [detail.by, detail.agencyId, detail.implementerId].find((v) => typeof v === 'string') as string | undefined;
  const info = currentActivity();
  const provenance = info ? { runId: info.workflowExecution?.runId, activityId: info.activityId } : {};
  return { ...row, agencyId: row.agencyId !== undefined ? row.agencyId : named ?? null, ...provenance };
}

/**
 * When a measure came into force, for the story: the instant the workflow asked for it (the
 * acknowledgement being handled, on the engine's clock), or the start of its first day when that
 * is later. Not midnight of the day, which would put it before the acknowledgement in the timeline.
 */
function activationInstant(activeFrom: string): Date {
  const dayStart = new Date(`${activeFrom}T00:00:00+08:00`).getTime();
  return new Date(Math.max(dayStart, currentActivity()?.scheduledTimestampMs ?? 0));
}

export interface ActivityDeps {
  db: Db;
  /** The working-day calendar as loaded now (R16); read by activities, never by workflows. */
  calendar: () => Promise<WorkingCalendar>;
}

interface TargetRef {
  workflowId: string;
  targetId: string;
}

export function createActivities({ db, calendar }: ActivityDeps) {
  return {
    ...createMeasureActivities({ db }),

    /**
     * R16: the end of the Nth working day after a date: `from` (YYYY-MM-DD), or the Shanghai
     * date of the instant `after`. Reads the calendar as loaded now; the answer goes into
     * the workflow's history, so later loads never change a replay.
     */
    async computeDeadline(input: { from?: string; after?: string; workingDays: number }): Promise<Deadline> {
      const from = input.from ?? shanghaiDateOf(input.after!);
      return addWorkingDays(await calendar(), from, input.workingDays);
    },

    /** R16: a provisional deadline recomputed after a schedule load: old due, new due, why. */
    async recordDeadlineRecomputed(input: TargetRef & {
      /** Absent for a step of the target itself (the R9 report due date). */
      caseId?: string; step: string; rule: string; oldDue: string; newDue: string;
      provisional: boolean; reason: string; movedIntoPast: boolean; at: string;
    }): Promise<void> {
      await db.transaction(async (tx) => {
        if (input.step === 'receipt' && input.caseId) {
          await tx.update(cases).set({ receiptDueAt: new Date(input.newDue) }).where(eq(cases.id, input.caseId));
        }
        if (input.step.startsWith('acknowledgement:') && input.caseId) {
          await tx.update(caseImplementers).set({ acknowledgeDueAt: new Date(input.newDue) })
            .where(and(eq(caseImplementers.caseId, input.caseId), eq(caseImplementers.agencyId, input.step.slice('acknowledgement:'.length))));
        }
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId ?? 'target'}/${input.step}/recomputed@${input.at}`,
          targetId: input.targetId,
          caseId: input.caseId ?? null,
          kind: 'deadline_recomputed',
          rule: 'R16',
          at: new Date(input.at),
          detail: {
            step: input.step, stepRule: input.rule, oldDue: input.oldDue, newDue: input.newDue,
            provisional: input.provisional, reason: input.reason, movedIntoPast: input.movedIntoPast,
          },
        })).onConflictDoNothing();
      });
    },

    /** R2/R3: the pushed case, and the journal line that says so. */
    async recordCase(input: TargetRef & { filed: CaseFiled; receiptDueAt: string | null }): Promise<void> {
      const { filed } = input;
      await db.transaction(async (tx) => {
        await tx.insert(cases).values({
          id: filed.caseId,
          targetId: input.targetId,
          source: filed.source,
          documentNumber: filed.document.number,
          documentIssuer: filed.document.issuer,
          issuedOn: filed.document.issuedOn,
          consultation: filed.consultation,
          measures: filed.measures,
          authorityId: filed.authorityId ?? null,
          seriousness: filed.seriousness ?? 'general',
          repeated: filed.repeated ?? false,
          pushDueOn: filed.pushDueOn ?? null,
          late: filed.late ?? false,
          pushedBy: filed.pushedBy ?? null,
          pushedAt: new Date(filed.pushedAt),
          status: 'pushed',
          receiptDueAt: input.receiptDueAt ? new Date(input.receiptDueAt) : null,
        }).onConflictDoNothing();
        // A new cause puts a closed target back in the loop (R10: a new run with the same id).
        await tx.update(targets).set({ status: 'open', updatedAt: new Date(filed.pushedAt) }).where(eq(targets.id, input.targetId));
        await tx.insert(journal).values(journalLine({
          agencyId: filed.pushedBy ?? null,
          eventKey: `${input.workflowId}/${filed.caseId}/pushed`,
          targetId: input.targetId,
          caseId: filed.caseId,
          kind: 'case_pushed',
          rule: filed.source === 'penalty_decision' ? 'R2' : 'R3',
          at: new Date(filed.pushedAt),
          detail: { document: filed.document, receiptDueAt: input.receiptDueAt, pushDueOn: filed.pushDueOn, late: filed.late ?? false },
        })).onConflictDoNothing();
        const rule = filed.source === 'penalty_decision' ? 'R2' : 'R3';
        // R2/R3: a push after its limit is accepted, recorded as late and escalated (R14).
        if (filed.late && filed.pushDueOn) {
          const dueAt = new Date(endOfShanghaiDay(filed.pushDueOn).epochMs);
          await tx.insert(overdueSteps).values({
            caseId: filed.caseId, step: 'push', rule, agencyId: filed.pushedBy ?? null, dueAt,
            detectedAt: new Date(filed.pushedAt), closedAt: new Date(filed.pushedAt),
          }).onConflictDoNothing();
          await notify(tx, {
            eventKey: `${input.workflowId}/${filed.caseId}/push/late`,
            agencyIds: [...(filed.pushedBy ? [filed.pushedBy] : []), ...await agenciesWithRoles(tx, ['SUPERVISOR'])],
            kind: 'overdue', rule: 'R14', at: filed.pushedAt,
            subject: `案件 ${filed.document.number} 超过推送期限（${filed.pushDueOn}）后推送`,
            detail: { caseId: filed.caseId, step: 'push', rule, pushDueOn: filed.pushDueOn },
          });
        }
        // R4: measures executed outside the local system are recorded with their upward route
        // and reported to the AUTHORITY at this level, not carried out here.
        const reported = filed.measures.length === 0 ? [] : await tx.select({ code: measureVersions.code, nameZh: measureVersions.nameZh })
          .from(measureVersions).where(and(
            eq(measureVersions.outsideLocalAuthority, true),
            or(...filed.measures.map((m) => and(eq(measureVersions.code, m.code), eq(measureVersions.version, m.version)))),
          ));
        if (reported.length > 0) {
          await tx.insert(journal).values(journalLine({
            eventKey: `${input.workflowId}/${filed.caseId}/reported-upward`, targetId: input.targetId, caseId: filed.caseId,
            agencyId: filed.pushedBy ?? null, kind: 'reported_upward', rule: 'R4', at: new Date(filed.pushedAt),
            detail: { measures: reported.map((o) => o.code), route: [filed.authorityId ?? null, 'upward level by level (逐级上报)'] },
          })).onConflictDoNothing();
          await notify(tx, {
            eventKey: `${input.workflowId}/${filed.caseId}/reported-upward`, agencyIds: filed.authorityId ? [filed.authorityId] : [],
            kind: 'report_upward', rule: 'R4', at: filed.pushedAt,
            subject: `案件 ${filed.document.number} 含须由上级或其他部门实施的措施，请逐级上报`,
            detail: { caseId: filed.caseId, measures: reported.map((o) => ({ code: o.code, name: o.nameZh })) },
          });
        }
      });
    },

    /** R5: receipt by the AUTHORITY; closes an open overdue record of the step (R14). */
    async recordReceipt(input: TargetRef & CaseReceived): Promise<void> {
      const at = new Date(input.receivedAt);
      await db.transaction(async (tx) => {
        await tx.update(cases)
          .set({ status: 'received', receivedAt: at, updatedAt: at })
          .where(eq(cases.id, input.caseId));
        await tx.update(overdueSteps)
          .set({ closedAt: at })
          .where(and(eq(overdueSteps.caseId, input.caseId), eq(overdueSteps.step, 'receipt'), isNull(overdueSteps.closedAt)));
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/received`,
          targetId: input.targetId,
          caseId: input.caseId,
          kind: 'case_received',
          rule: 'R5',
          at,
          detail: { by: input.by },
        })).onConflictDoNothing();
      });
    },

    /** R14: the working-day interval between reminders of an overdue step, from the settings. */
    async nextReminder(input: { from: string; step: string }): Promise<Deadline> {
      return addWorkingDays(await calendar(), input.from, await escalationInterval(db, input.step));
    },

    /** R14: the step is still overdue: remind the responsible agency again, tell the supervisors. */
    async recordEscalation(input: TargetRef & {
      caseId?: string; step: string; rule: string; reminder: number; detectedAt: string; responsibleAgencyId?: string;
    }): Promise<void> {
      await db.transaction(async (tx) => {
        const [c] = input.caseId
          ? await tx.select({ authorityId: cases.authorityId, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId))
          : [];
        const responsible = input.responsibleAgencyId ?? c?.authorityId;
        const eventKey = `${input.workflowId}/${input.caseId ?? 'target'}/${input.step}/reminder-${input.reminder}`;
        await tx.insert(journal).values(journalLine({
          eventKey, targetId: input.targetId, caseId: input.caseId ?? null, kind: 'escalated', rule: 'R14',
          at: new Date(input.detectedAt), detail: { step: input.step, stepRule: input.rule, reminder: input.reminder, agencyId: responsible ?? null },
        })).onConflictDoNothing();
        await notify(tx, {
          eventKey, agencyIds: [...(responsible ? [responsible] : []), ...await agenciesWithRoles(tx, ['SUPERVISOR'])],
          kind: 'escalated', rule: 'R14', at: input.detectedAt,
          subject: `${c ? `案件 ${c.documentNumber}` : `惩戒对象 ${input.targetId}`} 的${stepName(input.step)}仍未完成（第 ${input.reminder} 次催办）`,
          detail: { caseId: input.caseId ?? null, step: input.step, rule: input.rule, reminder: input.reminder },
        });
      });
    },

    /** R5: the case is pushed to its implementers; each is asked to acknowledge by the due day. */
    async recordImplementers(input: TargetRef & ImplementersSelected & { acknowledgeDueAt: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const at = new Date(input.at);
        await tx.insert(caseImplementers).values(input.implementers.map((i) => ({
          caseId: input.caseId, agencyId: i.agencyId, measures: i.measures, pushedAt: at, acknowledgeDueAt: new Date(input.acknowledgeDueAt),
        }))).onConflictDoNothing();
        await tx.update(cases).set({ status: 'implementing', updatedAt: at }).where(eq(cases.id, input.caseId));
        const [c] = await tx.select({ documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId));
        const eventKey = `${input.workflowId}/${input.caseId}/pushed-to-implementers`;
        await tx.insert(journal).values(journalLine({
          eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'pushed_to_implementers', rule: 'R5', at,
          detail: { by: input.by, implementers: input.implementers, acknowledgeDueAt: input.acknowledgeDueAt },
        })).onConflictDoNothing();
        for (const i of input.implementers) {
          await notify(tx, {
            eventKey, agencyIds: [i.agencyId], kind: 'pushed_to_implementer', rule: 'R5', at: input.at,
            subject: `请签收并实施案件 ${c?.documentNumber ?? input.caseId} 的惩戒措施`,
            detail: { caseId: input.caseId, measures: i.measures, acknowledgeDueAt: input.acknowledgeDueAt },
          });
        }
      });
    },

    /**
     * R6–R8: the measures an implementer acknowledged are in force from that day, each until
     * the end of the period its pinned version gives (fixed length, or the length the decision
     * set for a by_decision measure; none for a permanent one). R8 publicity starts with them.
     */
    async activateMeasures(input: TargetRef & {
      caseId: string; implementerId: string; codes: string[]; activeFrom: string;
    }): Promise<MeasureState[]> {
      return db.transaction(async (tx) => {
        const [c] = await tx.select({ measures: cases.measures }).from(cases).where(eq(cases.id, input.caseId));
        const out: MeasureState[] = [];
        for (const code of input.codes) {
          const pinned = c?.measures.find((m) => m.code === code);
          if (!pinned) continue;
          const [version] = await tx.select().from(measureVersions)
            .where(and(eq(measureVersions.code, code), eq(measureVersions.version, pinned.version)));
          const length = version?.period.rule === 'fixed' ? version.period.length : version?.period.rule === 'by_decision' ? pinned.period : undefined;
          const end = length ? periodEnd(input.activeFrom, length) : null;
          const feedbackSet = version?.feedbackSet ?? false;
          // R12: repair cannot release before the legal minimum ends; a lifetime measure never.
          const minimumEnd = version?.period.rule === 'permanent' ? 'never'
            : version?.legalMinimum ? periodEnd(input.activeFrom, version.legalMinimum) : null;
          await tx.insert(caseMeasures).values({
            caseId: input.caseId, code, version: pinned.version, implementerId: input.implementerId,
            status: 'active', activeFrom: input.activeFrom, periodEnd: end, feedbackSet,
            minimumEnd: minimumEnd === 'never' ? null : minimumEnd,
          }).onConflictDoNothing();
          await tx.insert(journal).values(journalLine({
            eventKey: `${input.workflowId}/${input.caseId}/${code}/active`, targetId: input.targetId, caseId: input.caseId,
            kind: version?.category === 'R8' ? 'measure_active_publicity_started' : 'measure_active', rule: version?.category ?? 'R6',
            at: activationInstant(input.activeFrom),
            detail: { code, version: pinned.version, implementerId: input.implementerId, periodEnd: end },
          })).onConflictDoNothing();
          out.push({ code, implementerId: input.implementerId, status: 'active', activeFrom: input.activeFrom, periodEnd: end, feedbackSet, minimumEnd });
        }
        return out;
      });
    },

    /** R10 (R11, R12 to come): a measure is released; its implementer is told; R8 publicity stops with it. */
    async releaseMeasure(input: TargetRef & { caseId: string; code: string; reason: 'period_end' | 'objection' | 'repair'; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const [m] = await tx.update(caseMeasures).set({ status: 'released', releasedAt: new Date(input.at), releaseReason: input.reason })
          .where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, input.code))).returning();
        const [c] = await tx.select({ documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId));
        const eventKey = `${input.workflowId}/${input.caseId}/${input.code}/released`;
        await tx.insert(journal).values(journalLine({
          eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'measure_released', agencyId: m?.implementerId ?? null,
          rule: RELEASE_RULE[input.reason],
          at: new Date(input.at), detail: { code: input.code, reason: input.reason, periodEnd: m?.periodEnd ?? null },
        })).onConflictDoNothing();
        // R8: publicity starts and stops with the measure.
        const [v] = m ? await tx.select({ category: measureVersions.category }).from(measureVersions)
          .where(and(eq(measureVersions.code, m.code), eq(measureVersions.version, m.version))) : [];
        if (v?.category === 'R8') {
          await tx.insert(journal).values(journalLine({
            eventKey: `${eventKey}/publicity-stopped`, targetId: input.targetId, caseId: input.caseId, kind: 'publicity_stopped', rule: 'R8', agencyId: null,
            at: new Date(input.at), detail: { code: input.code, reason: input.reason },
          })).onConflictDoNothing();
        }
        if (m) {
          const why = { period_end: '期限届满', objection: '异议成立', repair: '信用修复' }[input.reason];
          await notify(tx, {
            eventKey, agencyIds: [m.implementerId], kind: 'measure_released', rule: RELEASE_RULE[input.reason], at: input.at,
            subject: `案件 ${c?.documentNumber ?? input.caseId} 的措施 ${input.code} 因${why}解除，请停止实施`,
            detail: { caseId: input.caseId, code: input.code, reason: input.reason, periodEnd: m.periodEnd },
          });
        }
      });
    },

    /** R9: when the reports on `month` are due: the 7th of the next month, per the kind's non-working-day rule. */
    async feedbackDue(input: { month: string }): Promise<Deadline> {
      const cal = await calendar();
      const d = feedbackDueOn7th(cal, input.month, await deadlineRule(db, 'monthly_feedback'));
      const end = endOfShanghaiDay(d.due);
      return {
        from: `${input.month}-01`, workingDays: 0, due: d.due, dueAt: end.at, dueAtMs: end.epochMs,
        provisional: d.provisional, missingYears: d.provisional ? [Number(d.due.slice(0, 4))] : [],
      };
    },

    /** R9: a monthly report arrived; a late one closes its overdue record. */
    async recordFeedback(input: TargetRef & FeedbackReported): Promise<void> {
      const at = new Date(input.at);
      // Kept with the report so statistics can tell on time from late (R14).
      const due = feedbackDueOn7th(await calendar(), input.month, await deadlineRule(db, 'monthly_feedback'));
      await db.transaction(async (tx) => {
        await tx.insert(feedbackReports).values({
          targetId: input.targetId, implementerId: input.implementerId, month: input.month, summary: input.summary, reportedAt: at,
          dueAt: new Date(endOfShanghaiDay(due.due).epochMs),
        }).onConflictDoNothing();
        await tx.update(overdueSteps).set({ closedAt: at })
          .where(and(eq(overdueSteps.targetId, input.targetId), eq(overdueSteps.step, `feedback:${input.month}:${input.implementerId}`), isNull(overdueSteps.closedAt)));
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/feedback/${input.month}/${input.implementerId}`,
          targetId: input.targetId, kind: 'report_received', rule: 'R9', at,
          detail: { month: input.month, implementerId: input.implementerId, summary: input.summary },
        })).onConflictDoNothing();
      });
    },

    /** R11: the objection is recorded, the measures suspended, the information marked as under objection. */
    async recordObjection(input: TargetRef & ObjectionFiled & { suspended: string[]; verifyDueAt: string }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.insert(objections).values({
          id: input.objectionId, caseId: input.caseId, filedBy: input.by, reason: input.reason, filedAt: at, verifyDueAt: new Date(input.verifyDueAt),
        }).onConflictDoNothing();
        if (input.suspended.length > 0) {
          await tx.update(caseMeasures).set({ status: 'suspended' })
            .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.suspended)));
        }
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/objection/${input.objectionId}/filed`, targetId: input.targetId, caseId: input.caseId,
          kind: 'objection_filed', rule: 'R11', at,
          detail: { objectionId: input.objectionId, by: input.by, reason: input.reason, suspended: input.suspended, verifyDueAt: input.verifyDueAt, underObjection: true },
        })).onConflictDoNothing();
        if (input.suspended.length > 0) {
          await tx.insert(journal).values(journalLine({
            eventKey: `${input.workflowId}/${input.caseId}/objection/${input.objectionId}/suspended`, targetId: input.targetId, caseId: input.caseId,
            kind: 'measures_suspended', rule: 'R11', at, agencyId: null, detail: { objectionId: input.objectionId, codes: input.suspended },
          })).onConflictDoNothing();
        }
        const implementers = await tx.select({ id: caseMeasures.implementerId }).from(caseMeasures)
          .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.suspended.length ? input.suspended : ['-'])));
        await notify(tx, {
          eventKey: `${input.workflowId}/${input.caseId}/objection/${input.objectionId}/suspended`,
          agencyIds: implementers.map((i) => i.id), kind: 'measures_suspended', rule: 'R11', at: input.at,
          subject: '惩戒对象提出异议，相关措施在信息核实期间暂不执行', detail: { caseId: input.caseId, measures: input.suspended },
        });
      });
    },

    /** R11: the verification's outcome; a rejection resumes the measures with their period ends moved. */
    async recordObjectionDecision(input: TargetRef & ObjectionDecided & {
      resumed: { code: string; oldEnd: string | null; newEnd: string | null; suspendedDays: number }[]; releaseDueAt: string | null;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.update(objections).set({
          outcome: input.outcome, decidedBy: input.by, decisionReason: input.reason, decidedAt: at,
          releaseDueAt: input.releaseDueAt ? new Date(input.releaseDueAt) : null,
        }).where(eq(objections.id, input.objectionId));
        for (const r of input.resumed) {
          await tx.update(caseMeasures).set({ status: 'active', periodEnd: r.newEnd })
            .where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, r.code)));
        }
        await tx.update(overdueSteps).set({ closedAt: at })
          .where(and(eq(overdueSteps.caseId, input.caseId), eq(overdueSteps.step, 'objection_verification'), isNull(overdueSteps.closedAt)));
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/objection/${input.objectionId}/decided`, targetId: input.targetId, caseId: input.caseId,
          kind: 'objection_decided', rule: 'R11', at,
          detail: { objectionId: input.objectionId, outcome: input.outcome, by: input.by, reason: input.reason, resumed: input.resumed, releaseDueAt: input.releaseDueAt },
        })).onConflictDoNothing();
        if (input.resumed.length > 0) {
          await tx.insert(journal).values(journalLine({
            eventKey: `${input.workflowId}/${input.caseId}/objection/${input.objectionId}/resumed`, targetId: input.targetId, caseId: input.caseId,
            kind: 'measures_resumed', rule: 'R11', at, agencyId: null, detail: { objectionId: input.objectionId, resumed: input.resumed },
          })).onConflictDoNothing();
        }
        if (input.outcome === 'upheld') {
          const [c] = await tx.select({ authorityId: cases.authorityId, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId));
          await notify(tx, {
            eventKey: `${input.workflowId}/${input.caseId}/objection/${input.objectionId}/upheld`,
            agencyIds: c?.authorityId ? [c.authorityId] : [], kind: 'objection_upheld', rule: 'R11', at: input.at,
            subject: `案件 ${c?.documentNumber ?? input.caseId} 异议成立，请于 3 个工作日内调整或解除惩戒措施`,
            detail: { caseId: input.caseId, releaseDueAt: input.releaseDueAt, reason: input.reason },
          });
        }
      });
    },

    /** R11: the AUTHORITY released the measures after an upheld objection; closes the step. */
    async recordObjectionRelease(input: TargetRef & { caseId: string; by: string; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.update(objections).set({ releasedAt: at }).where(and(eq(objections.caseId, input.caseId), eq(objections.outcome, 'upheld'), isNull(objections.releasedAt)));
        await tx.update(overdueSteps).set({ closedAt: at })
          .where(and(eq(overdueSteps.caseId, input.caseId), eq(overdueSteps.step, 'objection_release'), isNull(overdueSteps.closedAt)));
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/objection/released`, targetId: input.targetId, caseId: input.caseId,
          kind: 'publicity_stopped', rule: 'R11', at, detail: { by: input.by },
        })).onConflictDoNothing();
      });
    },

    /** R12: a repair application is recorded; its review is due in 15 working days. */
    async recordRepair(input: TargetRef & RepairFiled & { reviewDueAt: string }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.insert(repairs).values({
          id: input.repairId, caseId: input.caseId, filedBy: input.by, filedAt: at, reviewDueAt: new Date(input.reviewDueAt), commitment: input.commitment,
        }).onConflictDoNothing();
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/repair/${input.repairId}/filed`, targetId: input.targetId, caseId: input.caseId,
          kind: 'repair_filed', rule: 'R12', at, detail: { repairId: input.repairId, by: input.by, commitment: input.commitment, reviewDueAt: input.reviewDueAt },
        })).onConflictDoNothing();
      });
    },

    /** R12: the review's outcome: approved stops publicity at once; measures held by a legal minimum wait for it. */
    async recordRepairDecision(input: TargetRef & RepairDecided & { releasedNow: string[]; deferred: { code: string; until: string }[] }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.update(repairs).set({ outcome: input.outcome, decidedBy: input.by, decisionReason: input.reason, decidedAt: at })
          .where(eq(repairs.id, input.repairId));
        for (const d of input.deferred) {
          if (d.until !== 'never') {
            await tx.update(caseMeasures).set({ periodEnd: sql`least(coalesce(${caseMeasures.periodEnd}, ${d.until}::date), ${d.until}::date)` })
              .where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, d.code)));
          }
        }
        await tx.update(overdueSteps).set({ closedAt: at })
          .where(and(eq(overdueSteps.caseId, input.caseId), eq(overdueSteps.step, 'repair_review'), isNull(overdueSteps.closedAt)));
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/repair/${input.repairId}/decided`, targetId: input.targetId, caseId: input.caseId,
          kind: 'repair_decided', rule: 'R12', at,
          detail: { repairId: input.repairId, outcome: input.outcome, by: input.by, reason: input.reason, releasedNow: input.releasedNow, deferred: input.deferred },
        })).onConflictDoNothing();
        if (input.outcome === 'approved') {
          await tx.insert(journal).values(journalLine({
            eventKey: `${input.workflowId}/${input.caseId}/repair/${input.repairId}/publicity-stopped`, targetId: input.targetId, caseId: input.caseId,
            kind: 'publicity_stopped', rule: 'R12', at, detail: { repairId: input.repairId },
          })).onConflictDoNothing();
        }
      });
    },

    /** R12: a dated commitment kept, or broken: a broken one revokes the repair and is itself recorded. */
    async recordCommitment(input: TargetRef & { caseId: string; repairId: string; kept: boolean; reinstated: string[]; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.update(repairs).set(input.kept ? { commitmentFulfilledAt: at } : { revokedAt: at }).where(eq(repairs.id, input.repairId));
        if (input.reinstated.length > 0) {
          await tx.update(caseMeasures).set({ status: 'active', releasedAt: null, releaseReason: null })
            .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.reinstated)));
        }
        const eventKey = `${input.workflowId}/${input.caseId}/repair/${input.repairId}/${input.kept ? 'commitment-kept' : 'commitment-broken'}`;
        await tx.insert(journal).values(journalLine({
          eventKey, targetId: input.targetId, caseId: input.caseId, kind: input.kept ? 'commitment_kept' : 'commitment_broken', rule: 'R12', at,
          detail: { repairId: input.repairId, reinstated: input.reinstated },
        })).onConflictDoNothing();
        if (!input.kept) {
          const [r] = await tx.select({ filedBy: repairs.filedBy }).from(repairs).where(eq(repairs.id, input.repairId));
          const implementers = input.reinstated.length === 0 ? [] : await tx.select({ id: caseMeasures.implementerId }).from(caseMeasures)
            .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.reinstated)));
          await notify(tx, {
            eventKey, agencyIds: [...(r ? [r.filedBy] : []), ...implementers.map((i) => i.id)], kind: 'repair_revoked', rule: 'R12', at: input.at,
            subject: '容缺受理承诺未按期履行，信用修复已撤销，相关措施恢复实施', detail: { caseId: input.caseId, repairId: input.repairId, reinstated: input.reinstated },
          });
        }
      });
    },

    /** Every measure released and no report owed: the target's loop is closed for now. */
    async recordTargetClosed(input: TargetRef & { at: string }): Promise<void> {
      await db.update(targets).set({ status: 'closed', updatedAt: new Date(input.at) }).where(eq(targets.id, input.targetId));
      await db.insert(journal).values(journalLine({
        eventKey: `${input.workflowId}/closed@${input.at}`, targetId: input.targetId, kind: 'loop_closed', rule: 'R10', at: new Date(input.at),
        detail: {},
      })).onConflictDoNothing();
    },

    /** R5: an implementer acknowledged; closes its overdue record if it was late. */
    async recordAcknowledgement(input: TargetRef & ImplementationAcknowledged): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.update(caseImplementers).set({ acknowledgedAt: at })
          .where(and(eq(caseImplementers.caseId, input.caseId), eq(caseImplementers.agencyId, input.agencyId), isNull(caseImplementers.acknowledgedAt)));
        await tx.update(overdueSteps).set({ closedAt: at })
          .where(and(eq(overdueSteps.caseId, input.caseId), eq(overdueSteps.step, `acknowledgement:${input.agencyId}`), isNull(overdueSteps.closedAt)));
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId}/acknowledged/${input.agencyId}`,
          targetId: input.targetId, caseId: input.caseId, kind: 'acknowledged', rule: 'R5', at, detail: { agencyId: input.agencyId },
        })).onConflictDoNothing();
      });
    },

    /**
     * R14: a step whose deadline passed gets one overdue record; the responsible agency (the
     * case's AUTHORITY unless another is named, e.g. an implementer) and the supervisors are told.
     */
    async recordOverdue(input: TargetRef & {
      /** The case whose step is late; absent for a step of the target itself (R9 reports). */
      caseId?: string; step: string; rule: string; dueAt: string; detectedAt: string; responsibleAgencyId?: string;
    }): Promise<void> {
      await db.transaction(async (tx) => {
        const [c] = input.caseId
          ? await tx.select({ authorityId: cases.authorityId, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId))
          : [];
        const responsible = input.responsibleAgencyId ?? c?.authorityId;
        const subjectOf = c ? `案件 ${c.documentNumber}` : `惩戒对象 ${input.targetId}`;
        await notify(tx, {
          eventKey: `${input.workflowId}/${input.caseId ?? 'target'}/${input.step}/overdue`,
          agencyIds: [...(responsible ? [responsible] : []), ...await agenciesWithRoles(tx, ['SUPERVISOR'])],
          kind: 'overdue', rule: 'R14', at: input.detectedAt,
          subject: `${subjectOf} 的${stepName(input.step)}已逾期`,
          detail: { caseId: input.caseId ?? null, targetId: input.targetId, step: input.step, rule: input.rule, dueAt: input.dueAt },
        });
        await tx.insert(overdueSteps).values({
          caseId: input.caseId ?? null,
          targetId: input.caseId ? null : input.targetId,
          agencyId: responsible ?? null,
          step: input.step,
          rule: input.rule,
          dueAt: new Date(input.dueAt),
          detectedAt: new Date(input.detectedAt),
        }).onConflictDoNothing();
        await tx.insert(journal).values(journalLine({
          eventKey: `${input.workflowId}/${input.caseId ?? 'target'}/${input.step}/overdue`,
          targetId: input.targetId,
          caseId: input.caseId ?? null,
          kind: 'overdue',
          rule: input.rule,
          agencyId: responsible ?? null,
          at: new Date(input.detectedAt),
          detail: { step: input.step, dueAt: input.dueAt },
        })).onConflictDoNothing();
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
