// A target's history in the words of DOMAIN.md (R14: supervisors inspect how every case got
// where it is). The PostgreSQL journal is the story; the workflow history of each run that wrote
// it gives every line its event in the Temporal UI, and continued-as-new runs read as one story.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/client';
import { journalOf, storyNames } from '../db/queries/history';
import { toShanghaiIso } from '../domain/dates';
import { localActivityMark } from '../domain/engine-links';
import { journalLabel, RELEASE_REASONS } from '../domain/journal-kinds';
import { CHANNELS, ORDER_LABELS, type Channel } from '../domain/publicity';
import { stepLabel } from '../domain/steps';
import { PERSON_ROLE_LABELS, type PersonRole } from '../domain/persons';

const ORDER_WORDS: Record<string, string> = ORDER_LABELS;

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

/**
 * A deadline's last day: deadlines are kept as the instant they end (24:00 Asia/Shanghai, which
 * is 00:00 of the next day), and are read as the last day they may be met on (R16).
 */
const day = (iso: unknown) => (typeof iso === 'string' ? toShanghaiIso(Date.parse(iso) - 1).slice(0, 10) : '—');

export interface Names {
  agency: (id: unknown) => string;
  measure: (code: unknown) => string;
}

const RELEASE_WORDS = RELEASE_REASONS as Record<string, string>;

/** A step named in a line's detail: its kind (and month) from the registry. */
const stepOf = (d: Record<string, unknown>) => stepLabel(String(d.kind ?? d.step ?? ''), d.month as string | null);

/**
 * The sentence for one journal line. Pure: the names come from the caller; `actor` is the line's
 * agency (the key's agency that acted, or for an overdue step the one responsible).
 */
export function summarize(kind: string, d: Record<string, unknown>, doc: string | null, names: Names, actor: string | null = null): string {
  const a = names.agency;
  const who = a(actor);
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
      return `${caseName} 的措施 ${list(d.measures)} 须由上级或其他部门实施，报送同级业务主管机构 ${a(d.to)}，期限 ${day(d.dueAt)}`;
    case 'upward_forwarded':
      return `${who} 将${caseName}的失信情况（${list(d.measures)}）上报至 ${a(d.to)}，期限 ${day(d.dueAt)}${d.note ? `；说明：${d.note}` : ''}`;
    case 'upward_confirmed': return `${who} 确认收到${caseName}的上报（${list(d.measures)}），逐级上报完成${d.note ? `；说明：${d.note}` : ''}`;
    case 'consultation_requested': {
      const asked = Array.isArray(d.requests) ? d.requests as { kind: string; agencyId: string; dueAt: string }[] : [];
      return `${who} 就${caseName}提请${asked.map((q) => `${a(q.agencyId)}${stepLabel(q.kind)}（期限 ${day(q.dueAt)}）`).join('、')}`;
    }
    case 'consultation_answered':
      return `${who} 对${caseName}出具${stepLabel(String(d.kind))}意见：${d.agree ? '同意' : '不同意'}${d.reason ? `，${d.reason}` : ''}`;
    case 'measures_not_applicable': {
      const na = Array.isArray(d.measures) ? d.measures as { code: string; reason: string }[] : [];
      return `${who} 记录${caseName}的措施不适用：${na.map((x) => `「${m(x.code)}」（${x.reason}）`).join('；')}`;
    }
    case 'information_flagged': return `实施机构 ${who} 认为${caseName}的信息有误，提请信息提供单位核实：${d.reason}；核实期间措施暂停，期限 ${day(d.verifyDueAt)}`;
    case 'complaint_filed': return `${who} 受理当事人投诉：${d.reason}；投诉处理期间措施 ${list(d.suspended) || '—'} 暂停执行，处理期限 ${day(d.reviewDueAt)}`;
    case 'complaint_decided':
      return d.outcome === 'upheld'
        ? `投诉成立（${who}）：${d.reason ?? ''}；业务主管机构须于 ${day(d.releaseDueAt)} 前解除措施`
        : `投诉被驳回（${who}）：${d.reason ?? ''}；惩戒期限自驳回之日起继续计算`;
    case 'cause_changed': {
      const doc2 = (d.document ?? {}) as { number?: string; issuer?: string };
      return `${who} 记录失信事由经 ${doc2.issuer ?? '—'} ${doc2.number ?? ''} ${d.change === 'revoked' ? '撤销' : '变更'}（${d.confirmedOn} 确认）；业务主管机构须于 ${day(d.adjustDueAt)} 前调整或解除措施`;
    }
    case 'case_adjusted': {
      if (d.release) return `${who} 因失信事由变更解除${caseName}的全部措施 ${list(d.released) || '—'}，停止公示并告知实施机构`;
      const shortened = Array.isArray(d.shortened) ? d.shortened as { code: string; newEnd: string }[] : [];
      const parts = [list(d.released) && `解除 ${list(d.released)}`, shortened.length && `缩短 ${shortened.map((x) => `「${m(x.code)}」至 ${x.newEnd}`).join('、')}`];
      return `${who} 因失信事由变更调整${caseName}的措施：${parts.filter(Boolean).join('；')}，已告知实施机构`;
    }
    case 'case_imported': {
      const impl = Array.isArray(d.implementers) ? d.implementers as { agencyId: string; measures: string[]; pushedOn: string; acknowledgedOn: string | null }[] : [];
      const steps = [d.receivedOn && `${d.receivedOn} 接收`, ...impl.map((i) => `${i.pushedOn} 推送 ${a(i.agencyId)}（${list(i.measures)}）${i.acknowledgedOn ? `，${i.acknowledgedOn} 签收` : ''}`)];
      return `${who} 批量导入${caseName}（导入批次 ${d.importId}），已办步骤：${steps.filter(Boolean).join('；') || '仅推送'}`;
    }
    case 'case_received': return `${who} 接收${caseName}`;
    case 'pushed_to_implementers': {
      const impl = Array.isArray(d.implementers) ? d.implementers as { agencyId: string; measures: string[]; acknowledgeDueAt?: string }[] : [];
      return `${caseName} 推送至实施机构 ${impl.map((i) => `${a(i.agencyId)}（${list(i.measures)}，签收期限 ${day(i.acknowledgeDueAt)}）`).join('；')}`;
    }
    case 'acknowledged': return `${who} 签收${caseName}`;
    case 'measure_active':
    case 'measure_active_publicity_started':
      return `措施「${m(d.code)}」开始实施，${d.periodEnd ? `至 ${d.periodEnd} 届满` : '无固定期限'}${kind === 'measure_active_publicity_started' ? '，同时公示' : ''}${d.suspended ? '；异议核实期间暂不执行' : ''}`;
    case 'measures_suspended': return `异议核实期间暂停执行措施 ${list(d.codes)}`;
    case 'measures_resumed': {
      const resumed = Array.isArray(d.resumed) ? d.resumed as { code: string; newEnd: string | null; suspendedDays: number }[] : [];
      return `措施恢复执行：${resumed.map((r) => `「${m(r.code)}」暂停 ${r.suspendedDays} 天，届满日顺延至 ${r.newEnd ?? '—'}`).join('；')}`;
    }
    case 'measure_released': return `措施「${m(d.code)}」因${RELEASE_WORDS[String(d.reason)] ?? d.reason}解除`;
    case 'publicity_stopped': return d.code ? `措施「${m(d.code)}」解除，停止公示` : '停止公示失信信息';
    case 'publicity_ordered':
      return `向 ${a(d.publisherId)} 发出指令：「${m(d.code)}」${ORDER_WORDS[String(d.order)] ?? d.order}（${CHANNELS[d.channel as Channel] ?? d.channel}）${d.marked && d.order === 'publish' ? '，作存在异议的标注' : ''}，期限 ${day(d.dueAt)}`;
    case 'publicity_confirmed':
      return `${who} 确认已${ORDER_WORDS[String(d.order)] ?? d.order}${d.code ? `「${m(d.code)}」` : ''}（平台编号 ${d.reference}）`;
    case 'letter_issued': return `${who === '—' ? '' : who}出具《${d.title}》（${d.letterId}）`;
    case 'letter_delivered': return `${who} 登记文书 ${d.letterId} 已于 ${d.deliveredOn} ${d.way}当事人`;
    case 'report_received': return `${who} 报送 ${d.month} 月度实施情况${d.monthlyReport ? '（月度报告）' : ''}`;
    case 'overdue': return `${who === '—' ? '' : `${who} 的`}${stepOf(d)}已逾期（期限 ${day(d.dueAt)}）`;
    case 'escalated': return `${stepOf(d)}仍未完成，第 ${d.reminder} 次催办，已告知监督机构`;
    case 'objection_filed': return `${who} 受理异议：${d.reason}；信息标注为异议中，核实期限 ${day(d.verifyDueAt)}`;
    case 'objection_decided':
      return d.outcome === 'upheld'
        ? `异议成立（${who}）：${d.reason ?? ''}；业务主管机构须于 ${day(d.releaseDueAt)} 前解除措施`
        : `异议被驳回（${who}）：${d.reason ?? ''}；惩戒期限自驳回之日起继续计算`;
    case 'person_case_filed':
      return `${caseName} 所列${PERSON_ROLE_LABELS[d.role as PersonRole] ?? '人员'} ${d.name ?? ''} 的措施 ${list(d.measures)} 另立人员案件 ${d.personCaseId}，由其本人的闭环办理（R13）`;
    case 'released_with_cause':
      return `${who} 解除企业案件 ${d.documentNumber ?? d.enterpriseCaseId} 时，因失信事由${d.reason === 'objection' ? '经异议认定不成立' : '变更或撤销'}一并解除${caseName}的全部措施 ${list(d.released) || '—'}（R13）`;
    case 'case_released': return `${who} 因异议成立解除${caseName}的全部措施 ${list(d.released) || '—'}，停止公示并告知实施机构`;
    case 'repair_filed': {
      const c = d.commitment as { materials?: string; dueOn?: string } | null | undefined;
      return `${who} 受理信用修复申请，审核期限 ${day(d.reviewDueAt)}${c ? `；容缺受理，承诺 ${c.dueOn} 前补交${c.materials}` : ''}`;
    }
    case 'repair_decided': {
      if (d.outcome !== 'approved') return `信用修复申请未通过（${who}）：${d.reason ?? ''}`;
      const deferred = Array.isArray(d.deferred) ? d.deferred as { code: string; until: string }[] : [];
      const held = deferred.map((x) => `「${m(x.code)}」${x.until === 'never' ? '不得解除' : `法定期限至 ${x.until}`}`).join('；');
      return `信用修复通过（${who}），立即解除 ${list(d.releasedNow) || '—'}${held ? `；${held}` : ''}`;
    }
    case 'commitment_kept': return '容缺受理承诺已按期履行';
    case 'commitment_broken': return `容缺受理承诺未按期履行，信用修复撤销，恢复措施 ${list(d.reinstated) || '—'}`;
    case 'deadline_recomputed':
      return `节假日安排更新，${stepOf(d)}期限由 ${day(d.oldDue)} 调整为 ${day(d.newDue)}${d.provisional ? '（仍为暂定）' : ''}`;
    case 'loop_closed': return '全部措施已解除且无待办步骤，闭环完成';
    case 'act_recorded': {
      const document = (d.document ?? {}) as { number?: string; issuer?: string };
      return `${who} 记录失信行为（${d.class}，项目 ${d.item}，${d.date}），依据 ${document.issuer ?? '—'} ${document.number ?? ''}`;
    }
    case 'act_corrected': return `${who} 记录失信行为（项目 ${d.item}，${d.date}）已于 ${d.correctedOn} 纠正`;
    case 'tier_listed': {
      const held = list(d.measures) ? `，措施 ${list(d.measures)} 推送业务主管机构` : '，该等级无措施';
      return `${d.cause}，自 ${d.from} 起列入${d.label}（${d.until ? `至 ${d.until}` : '分值不足时移出'}）${held}`;
    }
    case 'tier_ended': {
      const why = ({ expired: '有效期届满', superseded: '升入更高等级', scoreDropped: '分值降至标准以下' } as Record<string, string>)[String(d.reason)] ?? d.reason;
      return `${d.label ?? d.tier}（${d.from} 起）因${why}于 ${d.lastDay} 结束${list(d.released) ? `，解除措施 ${list(d.released)}` : ''}`;
    }
    default: return journalLabel(kind);
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
 * The runs that wrote the journal, each with the activity ids its history scheduled or, for a
 * local activity, marked (activityId → eventId). Null when the engine cannot answer: the story still reads from PostgreSQL.
 */
async function readRuns(temporal: Client, workflowId: string, runIds: string[]) {
  const runs = new Map<string, { info: Omit<HistoryRun, 'link'>; scheduled: Map<string, string> }>();
  for (const runId of runIds) {
    try {
      const handle = temporal.workflow.getHandle(workflowId, runId);
      const [history, described] = await Promise.all([handle.fetchHistory(), handle.describe()]);
      const scheduled = new Map<string, string>();
      for (const e of history.events ?? []) {
        if (e.eventId == null) continue;
        const attrs = e.activityTaskScheduledEventAttributes;
        if (attrs?.activityId) scheduled.set(attrs.activityId, String(e.eventId));
        // Issue 17: a local activity's line links to the marker that recorded its result.
        const marker = e.markerRecordedEventAttributes;
        const local = marker ? localActivityMark(marker.markerName, marker.details?.data?.payloads?.[0]?.data) : null;
        if (local) scheduled.set(local.journalId, String(e.eventId));
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

/**
 * The story of a target; `shown`, for a reader who does not see every case, keeps the lines (and
 * so the runs) it may read (api/routes/targets.ts).
 */
export async function targetHistory(
  deps: { db: Db; temporal: Client; ui: TemporalUi },
  target: { id: string; workflowId: string },
  shown?: (line: { caseId: string | null; agencyId: string | null }) => boolean,
) {
  const { db, temporal, ui } = deps;
  const rows = (await journalOf(db, target.id)).filter((r) => !shown || shown(r));
  const caseIds = [...new Set(rows.map((r) => r.caseId).filter((c): c is string => Boolean(c)))];
  const known = await storyNames(db, caseIds);
  const names: Names = {
    agency: (id) => (typeof id === 'string' ? known.agencies.get(id) ?? id : '—'),
    measure: (code) => (typeof code === 'string' ? known.measures.get(code) ?? code : '—'),
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
    const doc = r.caseId ? known.documents.get(r.caseId) ?? null : null;
    return {
      at: toShanghaiIso(r.at),
      agency: r.agencyId ? names.agency(r.agencyId) : null,
      agencyId: r.agencyId,
      kind: r.kind,
      label: journalLabel(r.kind),
      rule: r.rule,
      caseId: r.caseId,
      documentNumber: doc,
      summary: summarize(r.kind, r.detail, doc, names, r.agencyId),
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
