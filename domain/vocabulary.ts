// Every label the product shows, in one place: each vocabulary comes from its own registry
// (steps, journal kinds, roles, document kinds) or is defined here once. The dashboard reads
// them from GET /vocabulary rather than keeping copies.
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

export const VOCABULARY = {
  roles: ROLE_LABELS,
  steps: Object.fromEntries(STEP_KINDS.map((k) => [k, { label: STEPS[k].label, rule: STEPS[k].rule }])),
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
};
