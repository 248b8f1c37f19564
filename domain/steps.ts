// The step registry: every obligation of the loop (and every automatic timer) is one entry
// here. Its rule id, who is responsible, its deadline, its Chinese label, what completes it
// and what happens when it falls due. The workflow keeps open steps as data of one shape
// (OpenStep); overdue records, reminders, statistics, the overdue board, the history and the
// dashboard's labels all derive from this table. Adding an obligation is one entry here plus
// the handler of the action that completes it. Pure: no engine, no database, no clock.
import type { Deadline } from './working-days';
import type { IsoDate } from './dates';

export type RuleId = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R8' | 'R9' | 'R10' | 'R11' | 'R12' | 'R14' | 'R15' | 'R16' | 'R17';

/**
 * Who owes the step, derived from the case: its filing agency, its AUTHORITY, one implementer,
 * the agency a request was addressed to (an upward report's next level, a consultation, a
 * complaint's office), the reviewers of a list change, or the system itself.
 */
export type Responsible = 'originator' | 'authority' | 'implementer' | 'addressee' | 'reviewers' | 'system';

/** How a step's deadline is counted (R16: working days are counted from the day after the event). */
export type DeadlineRule =
  /** `configurable`: the seeds give no number; `days` is the default an ADMIN may change (PUT /step-deadlines/:kind). */
  | { count: 'working_days'; days: number; withConsultation?: number; forSerious?: number; after: string; configurable?: boolean }
  | { count: 'seventh_of_next_month'; after: string }
  | { count: 'on_date'; after: string };

export interface StepDefinition {
  rule: RuleId;
  /** 中文, as agencies and supervisors read it. */
  label: string;
  responsible: Responsible;
  deadline: DeadlineRule;
  /** The agency actions (domain/actions.ts) that complete it. */
  completedBy: readonly string[];
  /** escalate: an obligation (R14 overdue record, notices, reminders); automatic: the system acts itself. */
  onDue: 'escalate' | 'automatic';
  /** Where the rule comes from (../shared/seeds). */
  source: string;
}

export const STEPS = {
  push: {
    rule: 'R2', label: '推送', responsible: 'originator',
    deadline: { count: 'working_days', days: 3, withConsultation: 15, after: 'the penalty decision' },
    completedBy: ['fileCase'], onDue: 'escalate', source: '000 §二(二) 在处罚决定作出3个工作日内…推送到闭环系统',
  },
  external_push: {
    rule: 'R3', label: '匹配推送', responsible: 'originator',
    deadline: { count: 'working_days', days: 3, withConsultation: 15, after: "CREDIT's receipt of the document" },
    completedBy: ['fileCase'], onDue: 'escalate', source: '000 §二(二) 由信用监管机构统一接收后在3个工作日内匹配',
  },
  receipt: {
    rule: 'R5', label: '接收', responsible: 'authority',
    deadline: { count: 'working_days', days: 3, after: 'the push of the case' },
    completedBy: ['receiveCase', 'pushToImplementers'], onDue: 'escalate', source: '000 §二(三) 应在3个工作日内接收',
  },
  implementer_push: {
    rule: 'R5', label: '推送实施机构', responsible: 'authority',
    deadline: { count: 'working_days', days: 3, after: 'the push of the case' },
    completedBy: ['pushToImplementers'], onDue: 'escalate', source: '000 §二(三) 应在3个工作日内接收…并选择…实施机构进行推送或共享',
  },
  acknowledgement: {
    rule: 'R5', label: '签收', responsible: 'implementer',
    deadline: { count: 'working_days', days: 3, after: 'the push to the implementer' },
    completedBy: ['acknowledge'], onDue: 'escalate', source: '000 §二(三)',
  },
  feedback: {
    rule: 'R9', label: '月度反馈', responsible: 'implementer',
    deadline: { count: 'seventh_of_next_month', after: 'the month reported on' },
    completedBy: ['reportFeedback'], onDue: 'escalate', source: '000 §二(五) 实施机构在每月7日前将上个月…反馈至闭环系统',
  },
  upward_report: {
    rule: 'R4', label: '逐级上报', responsible: 'addressee',
    deadline: { count: 'working_days', days: 3, after: 'the report to this level', configurable: true },
    completedBy: ['forwardUpwardReport', 'confirmUpwardReport'], onDue: 'escalate',
    source: '000 §一 由失信信息产生机构将信息报送至同级业务主管机构，按照监管实际逐级上报',
  },
  consultation: {
    rule: 'R2', label: '会商', responsible: 'addressee',
    deadline: { count: 'working_days', days: 5, after: 'the request', configurable: true },
    completedBy: ['answerConsultation'], onDue: 'escalate', source: '000 §二(二) 可提请业务主管机构、信用监管机构会商',
  },
  legal_review: {
    rule: 'R2', label: '法制审核', responsible: 'addressee',
    deadline: { count: 'working_days', days: 5, after: 'the request', configurable: true },
    completedBy: ['answerConsultation'], onDue: 'escalate', source: '000 §二(二) 法制机构进行法制审核',
  },
  letter_delivery: {
    rule: 'R17', label: '失信告知书送达', responsible: 'authority',
    deadline: { count: 'working_days', days: 3, after: 'the push of the case' },
    completedBy: ['recordLetterDelivery'], onDue: 'escalate', source: '002 篇十 第七条 三个工作日内依法告知',
  },
  publication: {
    rule: 'R8', label: '公示', responsible: 'addressee',
    deadline: { count: 'working_days', days: 7, forSerious: 10, after: "the decision (R3: CREDIT's receipt)" },
    completedBy: ['confirmPublicityOrder'], onDue: 'escalate',
    source: '003 (十五) 7个工作日内上网公开; 002 篇七 (四) 黑名单 10个工作日内向社会公众发布',
  },
  publicity_marking: {
    rule: 'R8', label: '异议标注', responsible: 'addressee',
    deadline: { count: 'working_days', days: 1, after: 'the objection or complaint, or its answer', configurable: true },
    completedBy: ['confirmPublicityOrder'], onDue: 'escalate', source: '002 篇五 (二十一) 信息提供部门应当作出存在异议的标注',
  },
  publicity_withdrawal: {
    rule: 'R8', label: '撤下公示', responsible: 'addressee',
    deadline: { count: 'working_days', days: 3, after: 'the release of the measure' },
    completedBy: ['confirmPublicityOrder'], onDue: 'escalate',
    source: '000 §二(六)2 停止公示…3个工作日内完成; 000 §二(六)3 提前停止公示; 002 篇七 (六) 原渠道撤下',
  },
  objection_verification: {
    rule: 'R11', label: '异议核实', responsible: 'originator',
    deadline: { count: 'working_days', days: 15, after: 'the objection' },
    completedBy: ['decideObjection'], onDue: 'escalate', source: '002 篇五 自收到异议之日起15个工作日内进行核查和处理',
  },
  objection_release: {
    rule: 'R11', label: '异议成立后的解除', responsible: 'authority',
    deadline: { count: 'working_days', days: 3, after: 'the confirmation that the cause is changed or revoked' },
    completedBy: ['releaseCase'], onDue: 'escalate', source: '000 §二(六)2 以上步骤需事由确认违法或无效后3个工作日内完成',
  },
  cause_adjustment: {
    rule: 'R11', label: '事由变更后的调整或解除', responsible: 'authority',
    deadline: { count: 'working_days', days: 3, after: 'the confirmation that the cause was changed or revoked' },
    completedBy: ['adjustCase'], onDue: 'escalate', source: '000 §二(六)2 以上步骤需事由确认违法或无效后3个工作日内完成',
  },
  complaint_review: {
    rule: 'R11', label: '投诉处理', responsible: 'addressee',
    deadline: { count: 'working_days', days: 15, after: 'the complaint', configurable: true },
    completedBy: ['decideComplaint'], onDue: 'escalate', source: '002 篇二 (三)2 可向联席会议办公室提出投诉…异议投诉处理阶段联合惩戒措施暂停执行',
  },
  repair_review: {
    rule: 'R12', label: '信用修复审核', responsible: 'originator',
    deadline: { count: 'working_days', days: 15, after: 'the repair application' },
    completedBy: ['decideRepair'], onDue: 'escalate', source: '002 篇十三 第十八条',
  },
  measure_review: {
    rule: 'R1', label: '清单变更审核', responsible: 'reviewers',
    deadline: { count: 'working_days', days: 10, after: 'the proposal' },
    completedBy: ['decideMeasureChange'], onDue: 'escalate', source: '000 §二(一) 由信用监管机构会同法制机构对措施变动情况进行审核',
  },
  // R15: a scoring policy is reviewed like a list change (R1): CREDIT and LEGAL, 10 working days.
  policy_review: {
    rule: 'R15', label: '计分规则审核', responsible: 'reviewers',
    deadline: { count: 'working_days', days: 10, after: 'the proposal' },
    completedBy: ['decideScoringPolicy'], onDue: 'escalate', source: '000 §二(一) 由信用监管机构会同法制机构审核 (R1, applied to 002 篇四/篇十三 scoring rules)',
  },
  period_end: {
    rule: 'R10', label: '期限届满', responsible: 'system',
    deadline: { count: 'on_date', after: "the measure's last day" },
    completedBy: [], onDue: 'automatic', source: '000 §二(六)1 失信惩戒(强化监管)期限到期后…自动从对象名单中移出',
  },
  repair_commitment: {
    rule: 'R12', label: '容缺受理承诺', responsible: 'originator',
    deadline: { count: 'on_date', after: 'the date the party promised' },
    completedBy: ['supplyMaterials'], onDue: 'automatic', source: '004 容缺受理 告知承诺',
  },
  publicity_expiry: {
    rule: 'R8', label: '公示满五年', responsible: 'system',
    deadline: { count: 'on_date', after: 'five years after publication' },
    completedBy: [], onDue: 'automatic', source: '002 篇十三 第十六条 失信信息将自公布之日起满五年自动撤销',
  },
  feedback_month: {
    rule: 'R9', label: '月度反馈周期', responsible: 'system',
    deadline: { count: 'on_date', after: 'the last day of the month' },
    completedBy: [], onDue: 'automatic', source: '000 §二(五)',
  },
  // R15: the day the tier changes by what is recorded now (a listing's validity ends, acts leave
  // the window, a correction deadline passes): the workflow reads the tier again at 00:00.
  tier_review: {
    rule: 'R15', label: '分级名单变更', responsible: 'system',
    deadline: { count: 'on_date', after: 'the day before the tier changes' },
    completedBy: [], onDue: 'automatic', source: '002 篇四 第九条、第十四条; 002 篇十三 第六条、第七条',
  },
} as const satisfies Record<string, StepDefinition>;

export type StepKind = keyof typeof STEPS;
export const STEP_KINDS = Object.keys(STEPS) as StepKind[];

export function stepDefinition(kind: StepKind): StepDefinition {
  return STEPS[kind];
}

export const isObligation = (kind: StepKind): boolean => STEPS[kind].onDue === 'escalate';

/**
 * R14: the steps reminded while they stay overdue (every N working days, a setting per kind).
 * The push is done at intake itself, so a late push is recorded once and never reminded.
 */
export const REMINDED_STEPS: StepKind[] = STEP_KINDS.filter((k) => isObligation(k) && !(STEPS[k].completedBy as readonly string[]).includes('fileCase'));

/** Whether an ADMIN may set the step's working days (the seeds give no number). */
export const isConfigurable = (kind: StepKind): boolean => {
  const d: DeadlineRule = STEPS[kind].deadline;
  return d.count === 'working_days' && Boolean(d.configurable);
};

/** The working days a step allows (R2, R3: 15 when consultation 会商 was asked; R8: 10 for a blacklist). */
export function workingDaysOf(kind: StepKind, consultation = false, serious = false): number {
  const d: DeadlineRule = STEPS[kind].deadline;
  if (d.count !== 'working_days') throw new RangeError(`${kind} is not counted in working days`);
  if (consultation && d.withConsultation) return d.withConsultation;
  return serious && d.forSerious ? d.forSerious : d.days;
}

/** What identifies one step of a target: its kind and what it is about. */
export interface StepRef {
  kind: StepKind;
  caseId: string | null;
  /** The responsible agency; null for a system timer. */
  agencyId: string | null;
  /** R9: the month reported on. */
  month?: string;
  /** R10: the measure whose period ends. */
  code?: string;
  /** R11, R12: the objection or repair. */
  ref?: string;
}

/** A step's key, unique within its target: e.g. receipt/C1, acknowledgement/C1/ag-1, feedback/2026-11/ag-1. */
export function stepKey(s: StepRef): string {
  const parts: (string | null | undefined)[] = [s.kind];
  if (s.kind === 'feedback') parts.push(s.month, s.agencyId);
  else if (s.kind === 'feedback_month') parts.push(s.month);
  else parts.push(s.caseId, s.kind === 'acknowledgement' ? s.agencyId : s.code ?? s.ref);
  return parts.filter((p) => p !== null && p !== undefined && p !== '').join('/');
}

/**
 * The ref of a step from its key (the inverse of stepKey for the kinds that carry one), for
 * steps read back from PostgreSQL, whose rows keep the key but not its parts.
 */
export function refOfKey(kind: string, key: string): string | null {
  if (['acknowledgement', 'feedback', 'feedback_month', 'period_end'].includes(kind)) return null;
  const parts = key.split('/');
  return parts.length >= 3 ? parts.slice(2).join('/') : null;
}

/** The event a deadline counts from, before the calendar has resolved it. */
export type DeadlineSpec =
  | { workingDays: number; from: IsoDate }
  | { feedbackMonth: string }
  | { endOfDay: IsoDate };

export interface StepSpec extends StepRef {
  deadline: DeadlineSpec;
  /** The step's rule when it is not the registry's (a consultation on an R3 case is R3). */
  rule?: RuleId;
}

/** A step still owed (or a system timer still running), as the workflow holds it. */
export interface OpenStep extends StepRef {
  key: string;
  rule: RuleId;
  due: Deadline;
  /** R14: the overdue record has been made. */
  overdue: boolean;
  reminders: number;
  /** R14: when the next reminder goes out while the step stays overdue. */
  nextReminder: Deadline | null;
}

/** A step of a spec whose deadline has been resolved: open, not overdue, no reminders yet. */
export function openedStep(spec: StepSpec, due: Deadline): OpenStep {
  const { deadline: _spec, rule, ...ref } = spec;
  return { ...ref, key: stepKey(spec), rule: rule ?? ruleOf(spec.kind), due, overdue: false, reminders: 0, nextReminder: null };
}

/** The step as the API shows it (labels from this registry, the due day and instant). */
export interface StepView {
  key: string;
  kind: StepKind;
  rule: RuleId;
  label: string;
  caseId: string | null;
  agencyId: string | null;
  month: string | null;
  /** What the step is about within its case: the objection, complaint, repair, consultation or report hop it answers (R2–R4, R11, R12). */
  ref: string | null;
  /** The last day (Asia/Shanghai) the step may be done on, and the instant it ends (24:00 +08:00). */
  dueOn: IsoDate;
  dueAt: string;
  provisional: boolean;
  overdue: boolean;
}

export function stepView(s: OpenStep): StepView {
  return {
    key: s.key, kind: s.kind, rule: s.rule, label: stepLabel(s.kind, s.month), caseId: s.caseId, agencyId: s.agencyId,
    month: s.month ?? null, ref: s.ref ?? null, dueOn: s.due.due, dueAt: s.due.dueAt, provisional: s.due.provisional, overdue: s.overdue,
  };
}

/** 'feedback', '2026-10' → 2026-10 月度反馈. Unknown kinds read as themselves. */
export function stepLabel(kind: string, month?: string | null): string {
  const label = (STEPS as Record<string, StepDefinition>)[kind]?.label ?? kind;
  return kind === 'feedback' && month ? `${month} ${label}` : label;
}

/** The rule of a step kind (R2 for a push, R5 for a receipt …). */
export function ruleOf(kind: StepKind): RuleId {
  return STEPS[kind].rule;
}
