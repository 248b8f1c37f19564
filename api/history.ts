// A target's history in the words of DOMAIN.md (R14: supervisors inspect how every case got
// where it is). The PostgreSQL journal is the story; the workflow history of each run that wrote
// it gives every line its event in the Temporal UI, and continued-as-new runs read as one story.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { agencies, cases, journal, measureVersions } from '../db/schema';
import { toShanghaiIso } from '../domain/dates';

export interface TemporalUi {
  url: string;
  namespace: string;
}

export interface HistoryItem {
  /** The instant, in Asia/Shanghai (R16). */
  at: string;
  /** The acting agency's name (for an overdue step, the agency responsible); null: the system. */
  agency: string | null;
  agencyId: string | null;
  kind: string;
  /** 中文 label of the kind, as the dashboard shows it. */
  label: string;
  rule: string | null;
  caseId: string | null;
  documentNumber: string | null;
  /** One sentence a supervisor reads without knowing the engine. */
  summary: string;
  detail: Record<string, unknown>;
  /** The event in the Temporal UI that wrote this line (its run's history when the event is unknown). */
  link: string;
}

export interface HistoryRun {
  runId: string;
  startedAt: string | null;
  closedAt: string | null;
  status: string;
  events: number;
  link: string;
}

export const KIND_LABELS: Record<string, string> = {
  case_pushed: '案件推送',
  reported_upward: '逐级上报',
  case_received: '接收',
  pushed_to_implementers: '推送实施机构',
  acknowledged: '签收',
  measure_active: '措施实施',
  measure_active_publicity_started: '措施实施（开始公示）',
  measures_suspended: '措施暂停',
  measures_resumed: '措施恢复',
  measure_released: '措施解除',
  publicity_stopped: '停止公示',
  report_received: '月度反馈',
  overdue: '逾期',
  escalated: '催办',
  objection_filed: '提出异议',
  objection_decided: '异议决定',
  repair_filed: '申请信用修复',
  repair_decided: '信用修复决定',
  commitment_kept: '承诺已履行',
  commitment_broken: '承诺未履行',
  deadline_recomputed: '期限重算',
  loop_closed: '闭环完成',
};

export const STEP_LABELS: Record<string, string> = {
  push: '推送', receipt: '接收', acknowledgement: '签收', feedback: '月度反馈',
  objection_verification: '异议核实', objection_release: '异议成立后的解除', repair_review: '信用修复审核',
};

const RELEASE_REASONS: Record<string, string> = { period_end: '期限届满', objection: '异议成立', repair: '信用修复' };

/** 'acknowledgement:ag-1' → 签收, 'feedback:2026-10:ag-1' → 2026-10 月度反馈. */
export function stepLabel(step: string): string {
  const [name, month] = step.split(/[: ]/);
  const label = STEP_LABELS[name] ?? step;
  return name === 'feedback' && month ? `${month} ${label}` : label;
}

const day = (iso: unknown) => (typeof iso === 'string' ? toShanghaiIso(iso).slice(0, 10) : '—');

export interface Names {
  agency: (id: unknown) => string;
  measure: (code: unknown) => string;
}

/** The sentence for one journal line. Pure: the names come from the caller. */
export function summarize(kind: string, d: Record<string, unknown>, doc: string | null, names: Names): string {
  const a = names.agency;
  const m = names.measure;
  const list = (codes: unknown) => (Array.isArray(codes) ? codes.map((c) => `「${m(c)}」`).join('、') : '');
  const caseName = doc ? `案件 ${doc}` : '案件';
  switch (kind) {
    case 'case_pushed': {
      const document = (d.document ?? {}) as { issuer?: string };
      const late = d.late ? `；超过推送期限（${d.pushDueOn}）后推送，已记为逾期` : '';
      return `${caseName}（${document.issuer ?? '—'}）推送至系统，接收期限 ${day(d.receiptDueAt)}${late}`;
    }
    case 'reported_upward':
      return `${caseName} 的措施 ${list(d.measures)} 须由上级或其他部门实施，已记录并逐级上报`;
    case 'case_received': return `${a(d.by)} 接收${caseName}`;
    case 'pushed_to_implementers': {
      const impl = Array.isArray(d.implementers) ? d.implementers as { agencyId: string; measures: string[] }[] : [];
      return `${caseName} 推送至实施机构 ${impl.map((i) => `${a(i.agencyId)}（${list(i.measures)}）`).join('；')}，签收期限 ${day(d.acknowledgeDueAt)}`;
    }
    case 'acknowledged': return `${a(d.agencyId)} 签收${caseName}`;
    case 'measure_active':
    case 'measure_active_publicity_started':
      return `措施「${m(d.code)}」开始实施，${d.periodEnd ? `至 ${d.periodEnd} 届满` : '无固定期限'}${kind === 'measure_active_publicity_started' ? '，同时公示' : ''}`;
    case 'measures_suspended': return `异议核实期间暂停执行措施 ${list(d.codes)}`;
    case 'measures_resumed': {
      const resumed = Array.isArray(d.resumed) ? d.resumed as { code: string; newEnd: string | null; suspendedDays: number }[] : [];
      return `措施恢复执行：${resumed.map((r) => `「${m(r.code)}」暂停 ${r.suspendedDays} 天，届满日顺延至 ${r.newEnd ?? '—'}`).join('；')}`;
    }
    case 'measure_released': return `措施「${m(d.code)}」因${RELEASE_REASONS[String(d.reason)] ?? d.reason}解除`;
    case 'publicity_stopped': return d.code ? `措施「${m(d.code)}」解除，停止公示` : '停止公示失信信息';
    case 'report_received': return `${a(d.implementerId)} 报送 ${d.month} 月度实施情况`;
    case 'overdue': return `${stepLabel(String(d.step))}已逾期（期限 ${day(d.dueAt)}）`;
    case 'escalated': return `${stepLabel(String(d.step))}仍未完成，第 ${d.reminder} 次催办，已告知监督机构`;
    case 'objection_filed': return `${a(d.by)} 提出异议：${d.reason}；信息标注为异议中，核实期限 ${day(d.verifyDueAt)}`;
    case 'objection_decided':
      return d.outcome === 'upheld'
        ? `异议成立（${a(d.by)}）：${d.reason ?? ''}；业务主管机构须于 ${day(d.releaseDueAt)} 前解除措施`
        : `异议被驳回（${a(d.by)}）：${d.reason ?? ''}；惩戒期限自驳回之日起继续计算`;
    case 'repair_filed': {
      const c = d.commitment as { materials?: string; dueOn?: string } | null | undefined;
      return `${a(d.by)} 申请信用修复，审核期限 ${day(d.reviewDueAt)}${c ? `；容缺受理，承诺 ${c.dueOn} 前补交${c.materials}` : ''}`;
    }
    case 'repair_decided': {
      if (d.outcome !== 'approved') return `信用修复申请未通过（${a(d.by)}）：${d.reason ?? ''}`;
      const deferred = Array.isArray(d.deferred) ? d.deferred as { code: string; until: string }[] : [];
      const held = deferred.map((x) => `「${m(x.code)}」${x.until === 'never' ? '不得解除' : `法定期限至 ${x.until}`}`).join('；');
      return `信用修复通过（${a(d.by)}），立即解除 ${list(d.releasedNow) || '—'}${held ? `；${held}` : ''}`;
    }
    case 'commitment_kept': return '容缺受理承诺已按期履行';
    case 'commitment_broken': return `容缺受理承诺未按期履行，信用修复撤销，恢复措施 ${list(d.reinstated) || '—'}`;
    case 'deadline_recomputed':
      return `节假日安排更新，${stepLabel(String(d.step))}期限由 ${day(d.oldDue)} 调整为 ${day(d.newDue)}${d.provisional ? '（仍为暂定）' : ''}`;
    case 'loop_closed': return '全部措施已解除且无待报送的月度反馈，闭环完成';
    default: return KIND_LABELS[kind] ?? kind;
  }
}

export function uiLinks(ui: TemporalUi, workflowId: string) {
  const base = `${ui.url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return {
    workflow: base,
    run: (runId: string) => `${base}/${runId}/history`,
    event: (runId: string, eventId: string) => `${base}/${runId}/history/events/${eventId}`,
  };
}

/**
 * The runs that wrote the journal, each with the activity ids its history scheduled
 * (activityId → eventId). Null when the engine cannot answer: the story still reads from PostgreSQL.
 */
async function readRuns(temporal: Client, workflowId: string, runIds: string[]) {
  const runs = new Map<string, { info: Omit<HistoryRun, 'link'>; scheduled: Map<string, string> }>();
  for (const runId of runIds) {
    try {
      const handle = temporal.workflow.getHandle(workflowId, runId);
      const [history, described] = await Promise.all([handle.fetchHistory(), handle.describe()]);
      const scheduled = new Map<string, string>();
      for (const e of history.events ?? []) {
        const attrs = e.activityTaskScheduledEventAttributes;
        if (attrs?.activityId && e.eventId != null) scheduled.set(attrs.activityId, String(e.eventId));
      }
      runs.set(runId, {
        scheduled,
        info: {
          runId,
          startedAt: described.startTime ? toShanghaiIso(described.startTime) : null,
          closedAt: described.closeTime ? toShanghaiIso(described.closeTime) : null,
          status: described.status.name,
          events: history.events?.length ?? 0,
        },
      });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue; // removed by the engine's retention
      throw err;
    }
  }
  return runs;
}

export async function targetHistory(deps: { db: Db; temporal: Client; ui: TemporalUi }, target: { id: string; workflowId: string }) {
  const { db, temporal, ui } = deps;
  const rows = await db.select().from(journal).where(eq(journal.targetId, target.id)).orderBy(asc(journal.at), asc(journal.id));
  const caseIds = [...new Set(rows.map((r) => r.caseId).filter((c): c is string => Boolean(c)))];
  const caseRows = caseIds.length === 0 ? [] : await db.select({ id: cases.id, documentNumber: cases.documentNumber }).from(cases).where(inArray(cases.id, caseIds));
  const docs = new Map(caseRows.map((c) => [c.id, c.documentNumber]));
  const agencyRows = await db.select({ id: agencies.id, name: agencies.name }).from(agencies);
  const agencyNames = new Map(agencyRows.map((a) => [a.id, a.name]));
  const measureRows = await db.selectDistinctOn([measureVersions.code], { code: measureVersions.code, nameZh: measureVersions.nameZh })
    .from(measureVersions);
  const measureNames = new Map(measureRows.map((m) => [m.code, m.nameZh]));
  const names: Names = {
    agency: (id) => (typeof id === 'string' ? agencyNames.get(id) ?? id : '—'),
    measure: (code) => (typeof code === 'string' ? measureNames.get(code) ?? code : '—'),
  };

  const links = uiLinks(ui, target.workflowId);
  const runIds = [...new Set(rows.map((r) => r.runId).filter((r): r is string => Boolean(r)))];
  let engine: 'ok' | 'unavailable' = 'ok';
  let runs: Awaited<ReturnType<typeof readRuns>> = new Map();
  try {
    runs = await temporal.connection.withDeadline(Date.now() + 5000, () => readRuns(temporal, target.workflowId, runIds));
  } catch {
    engine = 'unavailable';
  }

  const items: HistoryItem[] = rows.map((r) => {
    const eventId = r.runId && r.activityId ? runs.get(r.runId)?.scheduled.get(r.activityId) : undefined;
    const doc = r.caseId ? docs.get(r.caseId) ?? null : null;
    return {
      at: toShanghaiIso(r.at),
      agency: r.agencyId ? names.agency(r.agencyId) : null,
      agencyId: r.agencyId,
      kind: r.kind,
      label: KIND_LABELS[r.kind] ?? r.kind,
      rule: r.rule,
      caseId: r.caseId,
      documentNumber: doc,
      summary: summarize(r.kind, r.detail, doc, names),
      detail: r.detail,
      link: eventId ? links.event(r.runId!, eventId) : r.runId ? links.run(r.runId) : links.workflow,
    };
  });
  return {
    targetId: target.id,
    workflowId: target.workflowId,
    engine,
    // The engine's runs behind the story (a long-lived target continues as new; one story).
    runs: runIds.flatMap((id) => {
      const run = runs.get(id);
      return run ? [{ ...run.info, link: links.run(id) }] : [];
    }),
    items,
  };
}
