// R17 Letters to the party: the notice of the determination (失信告知书: the determination, the
// measures and their periods, how to object and how to repair; 002 篇十 第七条 三个工作日内依法
// 告知), and the written answers with reasons to objections, complaints and repair applications
// (002 篇二; 篇四 第十三、十六条). What a letter says is fixed when it is issued; the PDF is
// rendered from it on request (api/letters/).
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { agencies, cases, letters, measureVersions, targets } from '../db/schema';
import { maskIdNumber } from '../domain/identifiers';
import type { PinnedMeasure } from '../domain/measures';
import { DELIVERY_WAYS, LETTER_TITLES, PENALTY_FIELDS, PENALTY_TYPES, type PenaltyField, type PenaltyType } from '../domain/publicity';
import type { LetterState, RecordLetterDelivery } from '../workflows/messages';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

type Kind = LetterState['kind'];


function periodText(m: PinnedMeasure): string {
  if (m.period === 'permanent') return '终身（不得解除）';
  const [unit, n] = Object.entries(m.period)[0] as ['years' | 'months' | 'days', number];
  return `${n}${{ years: '年', months: '个月', days: '日' }[unit]}，自实施之日起计算`;
}

async function caseFacts(tx: DbOrTx, caseId: string) {
  const [row] = await tx.select({ c: cases, t: targets }).from(cases).innerJoin(targets, eq(targets.id, cases.targetId)).where(eq(cases.id, caseId));
  const name = async (id: string | null) => (id ? (await tx.select({ name: agencies.name }).from(agencies).where(eq(agencies.id, id)))[0]?.name ?? id : '—');
  return {
    c: row.c,
    party: {
      kind: row.t.kind, name: row.t.name,
      code: row.t.kind === 'enterprise' ? row.t.creditCode : row.t.idNumber ? maskIdNumber(row.t.idNumber) : null,
    },
    originator: { id: row.c.pushedBy, name: await name(row.c.pushedBy) },
    authority: { id: row.c.authorityId, name: await name(row.c.authorityId) },
  };
}

/** The notice of the determination: what was decided, the measures and periods, both routes (object, repair). */
export async function determinationContent(tx: DbOrTx, caseId: string, repairAfterMonths: number | null) {
  const { c, party, originator, authority } = await caseFacts(tx, caseId);
  const measures = [];
  for (const m of c.measures) {
    const [v] = await tx.select({ nameZh: measureVersions.nameZh }).from(measureVersions).where(eq(measureVersions.code, m.code)).limit(1);
    measures.push({ code: m.code, name: v?.nameZh ?? m.code, period: periodText(m) });
  }
  const penalty = c.penaltyType ? `${PENALTY_TYPES[c.penaltyType as PenaltyType] ?? c.penaltyType}${c.penaltyAmount ? `（${c.penaltyAmount} 元）` : ''}` : null;
  const repairLimit = repairAfterMonths ? `；行政处罚信息公示满${repairAfterMonths}个月后方可申请（004）` : '';
  return {
    title: LETTER_TITLES.determination, party,
    basis: {
      documentNumber: c.documentNumber, issuer: c.documentIssuer, issuedOn: c.issuedOn, penalty,
      field: c.penaltyField ? PENALTY_FIELDS[c.penaltyField as PenaltyField] ?? c.penaltyField : null,
    },
    measures,
    objection: `如对认定的失信行为或所列措施有异议，可向${originator.name}提出异议申请并提交相关证明材料；${originator.name}自收到异议之日起15个工作日内核查处理并书面答复，核实期间相关惩戒措施暂停执行，公示信息作存在异议的标注。对答复不服的，可向联席会议办公室投诉。`,
    repair: `纠正失信行为、消除不良影响后，可向${originator.name}申请信用修复${repairLimit}；修复成功的，提前停止公示，相关措施依法解除，但法律、行政法规规定的期限尚未届满的除外。`,
    issuer: originator, deliveredBy: authority,
  };
}

/** A written answer with its reasons: an objection's, a complaint's or a repair application's decision. */
export async function answerContent(tx: DbOrTx, caseId: string, kind: Exclude<Kind, 'determination'>, d: { outcome: string; reason: string; decidedBy: string; decidedOn: string }) {
  const { c, party, originator, authority } = await caseFacts(tx, caseId);
  const [decider] = await tx.select({ name: agencies.name }).from(agencies).where(eq(agencies.id, d.decidedBy));
  const outcomes: Record<string, string> = { upheld: '异议（投诉）成立', rejected: '不予支持', approved: '准予信用修复' };
  const next: Record<string, string> = {
    upheld: `${authority.name}将于3个工作日内解除相关惩戒措施并停止公示。`,
    rejected: kind === 'repair_answer' ? '可在补正材料后重新申请。' : '联合惩戒期限自驳回之日起继续计算；对答复不服的，可依法申请行政复议或提起行政诉讼。',
    approved: '相关信息提前停止公示，相关措施依法解除（法律、行政法规规定的期限尚未届满的除外）。',
  };
  return {
    title: LETTER_TITLES[kind], party, basis: { documentNumber: c.documentNumber, issuer: c.documentIssuer, issuedOn: c.issuedOn },
    decision: { outcome: outcomes[d.outcome] ?? d.outcome, reason: d.reason, next: next[d.outcome] ?? '' },
    issuer: { id: d.decidedBy, name: decider?.name ?? d.decidedBy }, deliveredBy: originator,
    decidedOn: d.decidedOn,
  };
}

/** Writes a letter once (a retried activity finds it written) with its journal line. */
export async function issueLetter(tx: DbOrTx, input: TargetRef & { caseId: string; letterId: string; kind: Kind; actor: string | null; at: string },
  content: Record<string, unknown>): Promise<void> {
  const at = new Date(input.at);
  await tx.insert(letters).values({
    id: input.letterId, caseId: input.caseId, targetId: input.targetId, kind: input.kind, content, issuedBy: input.actor, issuedAt: at,
  }).onConflictDoNothing();
  await writeJournal(tx, {
    agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/letter/${input.letterId}`, targetId: input.targetId,
    caseId: input.caseId, kind: 'letter_issued', rule: 'R17', at, detail: { letterId: input.letterId, letterKind: input.kind, title: LETTER_TITLES[input.kind] },
  });
}

export function createLetterActivities({ db, calendar }: ActivityDeps) {
  return {
    /** R17: the AUTHORITY recorded how and when a letter reached the party. */
    async recordLetterDelivery(input: TargetRef & RecordLetterDelivery & StepChanges): Promise<void> {
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        await tx.update(letters).set({ deliveredOn: input.deliveredOn, deliveryWay: DELIVERY_WAYS[input.way], deliveredBy: input.actor })
          .where(eq(letters.id, input.letterId));
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/letter/${input.letterId}/delivered`, targetId: input.targetId,
          caseId: input.caseId, kind: 'letter_delivered', rule: 'R17', at: new Date(input.at),
          detail: { letterId: input.letterId, deliveredOn: input.deliveredOn, way: DELIVERY_WAYS[input.way] },
        });
      });
    },
  };
}
