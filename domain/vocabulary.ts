// Every label the product shows, in one place: each vocabulary comes from its own registry
// (steps, journal kinds, roles, document kinds) or is defined here once. The dashboard reads
// them from GET /vocabulary rather than keeping copies.
import { ACTION_NAMES, ACTIONS } from './actions';
import { DOCUMENT_KINDS } from './document-kinds';
import { JOURNAL_KINDS, RELEASE_REASONS } from './journal-kinds';
import { PERSON_ROLE_LABELS } from './persons';
import { CHANNELS, DELIVERY_WAYS, LETTER_TITLES, ORDER_LABELS, PENALTY_FIELDS, PENALTY_TYPES } from './publicity';
import { REPORT_CATEGORIES, REPORT_CATEGORY_KEYS } from './report-categories';
import { LEVEL_LABELS, ROLE_LABELS } from './roles';
import { STEP_KINDS, STEPS } from './steps';

export const TARGET_STATUS = { open: '闭环中', closed: '已闭环' } as const;
export const CASE_STATUS = { pushed: '待接收', received: '已接收', implementing: '实施中', released: '已解除' } as const;
export const MEASURE_STATUS = { active: '实施中', suspended: '暂停（异议或投诉处理中）', released: '已解除' } as const;
export const MEASURE_LISTS = { discipline: '失信惩戒措施清单', enhanced_supervision: '强化监管措施清单' } as const;

/** R5: who carries a measure out (the registry's implementerKind; R6 approval agencies … R7/R8 the AUTHORITY itself). */
export const IMPLEMENTER_KINDS = {
  approval_agency: '行政审批机构', other_department: '其他部门', industry_association: '行业协会', market_entity: '行业市场主体', authority: '业务主管机构',
} as const;
/** R6–R8: the three categories of the lists. */
export const MEASURE_CATEGORIES = { R6: '事前审批限制（R6）', R7: '主管部门限制（R7）', R8: '公示与强化监管（R8）' } as const;
/** R10: how a measure's period is set. */
export const PERIOD_RULES = { fixed: '固定期限', by_decision: '由处罚决定确定', permanent: '永久' } as const;
/** R12: how serious the case is (limits repair). */
export const SERIOUSNESS = { general: '一般', serious: '严重', especially_serious: '特别严重' } as const;
export const CASE_SOURCES = { penalty_decision: '本部门行政处罚决定（R2）', external_document: '外部文书（R3）' } as const;
export const OUTCOMES = { rejected: '驳回', upheld: '成立', approved: '同意修复' } as const;

export const VOCABULARY = {
  roles: ROLE_LABELS,
  steps: Object.fromEntries(STEP_KINDS.map((k) => [k, { label: STEPS[k].label, rule: STEPS[k].rule, responsible: STEPS[k].responsible, completedBy: STEPS[k].completedBy }])),
  /** Every agency action: its label, rule, the roles that may take it and how the agency must stand to the case. */
  actions: Object.fromEntries(ACTION_NAMES.map((a) => [a, ACTIONS[a]])),
  journal: JOURNAL_KINDS,
  releaseReasons: RELEASE_REASONS,
  targetStatus: TARGET_STATUS,
  caseStatus: CASE_STATUS,
  measureStatus: MEASURE_STATUS,
  lists: MEASURE_LISTS,
  documentKinds: DOCUMENT_KINDS,
  levels: LEVEL_LABELS,
  publicityChannels: CHANNELS,
  publicityOrders: ORDER_LABELS,
  penaltyTypes: PENALTY_TYPES,
  penaltyFields: PENALTY_FIELDS,
  personRoles: PERSON_ROLE_LABELS,
  letterKinds: LETTER_TITLES,
  letterDeliveryWays: DELIVERY_WAYS,
  reportCategories: Object.fromEntries(REPORT_CATEGORY_KEYS.map((k) => [k, REPORT_CATEGORIES[k].label])),
  implementerKinds: IMPLEMENTER_KINDS,
  measureCategories: MEASURE_CATEGORIES,
  periodRules: PERIOD_RULES,
  seriousness: SERIOUSNESS,
  caseSources: CASE_SOURCES,
  outcomes: OUTCOMES,
};
