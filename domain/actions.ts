// The action registry: every agency action on a target, who may take it and which step it
// completes. The API admits a caller by role and by its relation to the case (never by a
// field of the request); the workflow judges whether the target's state allows it. Pure.
import type { Role } from './roles';
import type { RuleId, StepKind } from './steps';

/**
 * How the acting agency must stand to the case:
 * - originator: the agency that filed it (R2 ENFORCEMENT, R3 CREDIT); it produced the
 *   information, so objections and repairs are filed with and decided by it (谁决定、谁负责,
 *   002 篇二; 向作出行政处罚决定的主管部门提出信用修复申请, 002 篇十三 第十八条);
 * - authority: the receiving AUTHORITY chosen at intake (R5, R11);
 * - implementer: an implementer the case was pushed to (R5, R9).
 */
export type Relation = 'originator' | 'authority' | 'implementer';

/** How each relation reads in a refusal. */
export const RELATION_WORDS: Record<Relation, string> = {
  originator: 'the agency that filed this case',
  authority: 'the AUTHORITY this case is addressed to',
  implementer: 'an implementer this case was pushed to',
};

export interface ActionDefinition {
  rule: RuleId;
  label: string;
  roles: readonly Role[];
  relation: Relation;
  /** The steps it completes (domain/steps.ts). */
  completes: readonly StepKind[];
}

export const ACTIONS = {
  receiveCase: { rule: 'R5', label: '接收案件', roles: ['AUTHORITY'], relation: 'authority', completes: ['receipt'] },
  pushToImplementers: {
    rule: 'R5', label: '推送实施机构', roles: ['AUTHORITY'], relation: 'authority', completes: ['receipt', 'implementer_push'],
  },
  acknowledge: { rule: 'R5', label: '签收', roles: ['IMPLEMENTER'], relation: 'implementer', completes: ['acknowledgement'] },
  reportFeedback: { rule: 'R9', label: '月度反馈', roles: ['IMPLEMENTER'], relation: 'implementer', completes: ['feedback'] },
  fileObjection: { rule: 'R11', label: '受理异议', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: [] },
  decideObjection: {
    rule: 'R11', label: '异议决定', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: ['objection_verification'],
  },
  releaseCase: { rule: 'R11', label: '解除措施', roles: ['AUTHORITY'], relation: 'authority', completes: ['objection_release'] },
  fileRepair: { rule: 'R12', label: '受理信用修复', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: [] },
  decideRepair: {
    rule: 'R12', label: '信用修复决定', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: ['repair_review'],
  },
  supplyMaterials: {
    rule: 'R12', label: '补交材料', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: ['repair_commitment'],
  },
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];
