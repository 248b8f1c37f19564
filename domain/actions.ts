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
 * - implementer: an implementer the case was pushed to (R5, R9, R11 flags);
 * - addressee: the agency an open step of the case is addressed to (R4 the next level up, R2/R3
 *   a consultation or legal review, R11 the office handling a complaint);
 * - office: the joint-conference office (联席会议办公室) a complaint goes to, a CREDIT agency
 *   by its role (002 篇二 (三)2).
 */
export type Relation = 'originator' | 'authority' | 'implementer' | 'addressee' | 'office';

/** How each relation reads in a refusal. */
export const RELATION_WORDS: Record<Relation, string> = {
  originator: 'the agency that filed this case',
  authority: 'the AUTHORITY this case is addressed to',
  implementer: 'an implementer this case was pushed to',
  addressee: 'the agency this step of the case is addressed to',
  office: 'the joint-conference office (a CREDIT agency)',
};

export interface ActionDefinition {
  rule: RuleId;
  label: string;
  roles: readonly Role[];
  relation: Relation;
  /** The steps it completes (domain/steps.ts). */
  completes: readonly StepKind[];
  /**
   * A CREDIT agency may take it too, for the agency the relation names: R11 the party may lodge
   * its objection with the credit body, which records it for the originator to verify and decide
   * (002 篇四 第十三条 向信用体系建设管理机构提出异议申请…会同信息提供单位进行核实; 002 篇三 (十六)).
   */
  orOffice?: boolean;
}

export const ACTIONS = {
  receiveCase: { rule: 'R5', label: '接收案件', roles: ['AUTHORITY'], relation: 'authority', completes: ['receipt'] },
  pushToImplementers: {
    rule: 'R5', label: '推送实施机构', roles: ['AUTHORITY'], relation: 'authority', completes: ['receipt', 'implementer_push'],
  },
  markNotApplicable: {
    rule: 'R5', label: '措施不适用', roles: ['AUTHORITY'], relation: 'authority', completes: ['implementer_push'],
  },
  // The AUTHORITY carries out measures of its own kind (R7 restrictions, publicity): it acknowledges them too.
  acknowledge: { rule: 'R5', label: '签收', roles: ['IMPLEMENTER', 'AUTHORITY'], relation: 'implementer', completes: ['acknowledgement'] },
  forwardUpwardReport: { rule: 'R4', label: '逐级上报', roles: ['AUTHORITY'], relation: 'addressee', completes: ['upward_report'] },
  confirmUpwardReport: { rule: 'R4', label: '确认接收上报', roles: ['AUTHORITY'], relation: 'addressee', completes: ['upward_report'] },
  answerConsultation: {
    rule: 'R2', label: '会商与法制审核意见', roles: ['AUTHORITY', 'CREDIT', 'ENFORCEMENT', 'LEGAL'], relation: 'addressee',
    completes: ['consultation', 'legal_review'],
  },
  reportFeedback: { rule: 'R9', label: '月度反馈', roles: ['IMPLEMENTER'], relation: 'implementer', completes: ['feedback'] },
  fileObjection: { rule: 'R11', label: '受理异议', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: [], orOffice: true },
  decideObjection: {
    rule: 'R11', label: '异议决定', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: ['objection_verification'],
  },
  releaseCase: { rule: 'R11', label: '解除措施', roles: ['AUTHORITY'], relation: 'authority', completes: ['objection_release'] },
  flagInformation: { rule: 'R11', label: '提请核实', roles: ['IMPLEMENTER'], relation: 'implementer', completes: [] },
  fileComplaint: { rule: 'R11', label: '受理投诉', roles: ['CREDIT'], relation: 'office', completes: [] },
  decideComplaint: { rule: 'R11', label: '投诉决定', roles: ['CREDIT'], relation: 'addressee', completes: ['complaint_review'] },
  recordCauseChange: { rule: 'R11', label: '事由变更', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: [] },
  adjustCase: { rule: 'R11', label: '调整或解除', roles: ['AUTHORITY'], relation: 'authority', completes: ['cause_adjustment'] },
  fileRepair: { rule: 'R12', label: '受理信用修复', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: [] },
  decideRepair: {
    rule: 'R12', label: '信用修复决定', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: ['repair_review'],
  },
  // R8: a publishing platform confirms an order (publish, mark, unmark, withdraw) with its own reference.
  confirmPublicityOrder: {
    rule: 'R8', label: '公示确认', roles: ['PUBLISHER'], relation: 'addressee',
    completes: ['publication', 'publicity_marking', 'publicity_withdrawal'],
  },
  // R17: the AUTHORITY records how and when the notice (失信告知书) reached the party.
  recordLetterDelivery: { rule: 'R17', label: '送达登记', roles: ['AUTHORITY'], relation: 'authority', completes: ['letter_delivery'] },
  supplyMaterials: {
    rule: 'R12', label: '补交材料', roles: ['ENFORCEMENT', 'CREDIT'], relation: 'originator', completes: ['repair_commitment'],
  },
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];
