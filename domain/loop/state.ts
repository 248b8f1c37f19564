// The state of one target's loop as plain data: what the workflow holds (TargetState) and the
// refusals it answers with. Pure types and constants; workflows/messages.ts makes them, with
// the actions' arguments and answers (./actions.ts), the contract.
import type { ReleaseReason } from '../journal-kinds';
import type { PinnedMeasure } from '../measures';
import type { Channel, PenaltyFacts, PublicityTerms } from '../publicity';
import type { OpenStep } from '../steps';
import type { ActionAnswer } from './actions';

export type { PinnedMeasure };
export * from './actions';

export type TargetKind = 'enterprise' | 'person';
/** R2 a penalty decision, R3 an external document, R15 a tier listing by score (filed by the system, domain/loop/tiers.ts). */
export type CaseSource = 'penalty_decision' | 'external_document' | 'score_tier';
export type Seriousness = 'general' | 'serious' | 'especially_serious';

/** R6–R8, R10: a measure as carried out, from acknowledgement to release. */
export interface MeasureState {
  code: string;
  implementerId: string;
  status: 'active' | 'suspended' | 'released';
  activeFrom: string;
  /** The last day of the period; null for a permanent measure. */
  periodEnd: string | null;
  releaseReason?: ReleaseReason;
  releasedOn?: string;
  /** R11: the day it was suspended, while it is. */
  suspendedOn?: string;
  /** R12: end of the legal minimum period ('never' for a lifetime measure); repair cannot release before it. */
  minimumEnd: string | 'never' | null;
  /** R12: an approved repair waits for the legal minimum; released then, for this reason. */
  pendingRelease?: { reason: 'repair'; originalPeriodEnd: string | null };
  feedbackSet: boolean;
}

export interface ObjectionState {
  objectionId: string;
  /** The party, recorded by the agency that filed the case; or an implementer that found the information wrong (002 篇三 (十六)). */
  raisedBy: 'party' | 'implementer';
  raiserId: string;
  filedOn: string;
  outcome: 'rejected' | 'upheld' | null;
  decidedOn: string | null;
  releasedOn: string | null;
}

export interface RepairState {
  repairId: string;
  outcome: 'approved' | 'rejected' | null;
  decidedOn: string | null;
  commitment: { materials: string; dueOn: string } | null;
  fulfilledOn: string | null;
  /** Set when a broken commitment revoked the repair. */
  revokedOn: string | null;
}

/** R11: a complaint to the joint-conference office after an objection's answer; the measures are suspended meanwhile. */
export interface ComplaintState {
  complaintId: string;
  officeId: string;
  filedOn: string;
  outcome: 'rejected' | 'upheld' | null;
  decidedOn: string | null;
  releasedOn: string | null;
}

/** R4: a report passed up level by level (逐级上报) until the body that carries the measures confirms it. */
export interface UpwardReportState {
  reportId: string;
  measures: string[];
  hops: { agencyId: string; sentOn: string; outcome: 'forwarded' | 'confirmed' | null; decidedOn: string | null }[];
}

/** R2/R3: a consultation (会商) or legal review (法制审核) asked of one agency, and its answer. */
export interface ConsultationState {
  requestId: string;
  kind: 'consultation' | 'legal_review';
  agencyId: string;
  answer: { agree: boolean; reason: string; on: string } | null;
}

/** R11: the cause was changed or revoked; the AUTHORITY adjusts or releases within 3 working days. */
export interface CauseChangeState {
  change: 'changed' | 'revoked';
  document: { number: string; issuedOn: string; issuer: string };
  confirmedOn: string;
  adjustedOn: string | null;
}

/** R8: an order sent to a platform, and the day it confirmed it. */
export interface PublicityOrderState {
  orderId: string;
  kind: 'publish' | 'mark' | 'unmark' | 'withdraw';
  sentOn: string;
  confirmedOn: string | null;
}

/**
 * R8: one measure's record on one platform. `live` and `marked` are what was last ordered (to be
 * published, under 异议标注); `publishedOn`, `withdrawnOn` what the platform confirmed. A record
 * withdrawn and published again (a revoked repair) is a new cycle.
 */
export interface PublicityState {
  recordId: string;
  code: string;
  channel: Channel;
  cycle: number;
  publisherId: string | null;
  live: boolean;
  marked: boolean;
  publishedOn: string | null;
  withdrawnOn: string | null;
  orders: PublicityOrderState[];
}

/** R17: a letter to the party (the notice of the determination, an answer), and its delivery. */
export interface LetterState {
  letterId: string;
  kind: 'determination' | 'objection_answer' | 'complaint_answer' | 'repair_answer';
  issuedOn: string;
  deliveredOn: string | null;
}

/** pushed → received (R5) → implementing (pushed to implementers) → released (R11: the cause fell). */
export type CaseStatus = 'pushed' | 'received' | 'implementing' | 'released';

export interface CaseState {
  caseId: string;
  source: CaseSource;
  documentNumber: string;
  /** The filing agency: the case is its own (R2, R3). */
  originatorId: string;
  authorityId: string;
  status: CaseStatus;
  pushedAt: string;
  /** The decision's date (R3: CREDIT's receipt of the document): R8 publication counts from it. */
  decidedOn: string;
  /** R8/004: the penalty's facts and the publicity terms fixed at intake; null when not given. */
  penalty: PenaltyFacts | null;
  terms: PublicityTerms | null;
  /** R2/R3: the last day of the push limit, and whether the push came after it. */
  pushDueOn: string | null;
  pushDueProvisional: boolean;
  late: boolean;
  seriousness: Seriousness;
  repeated: boolean;
  measures: PinnedMeasure[];
  implementers: { agencyId: string; measures: string[]; acknowledgedAt: string | null }[];
  /** R5: measures no local implementer carries out, with the reason. */
  notApplicable: { code: string; reason: string }[];
  /** Measures in force (from acknowledgement on), suspended or released. */
  inForce: MeasureState[];
  objection: ObjectionState | null;
  complaint: ComplaintState | null;
  repair: RepairState | null;
  upward: UpwardReportState[];
  consultations: ConsultationState[];
  causeChange: CauseChangeState | null;
  publicity: PublicityState[];
  letters: LetterState[];
  /** R13: a person's case: the enterprise's case (and target) it derives from; absent or null otherwise. */
  derivedFrom?: { caseId: string; targetId: string } | null;
  /** R13: an enterprise's case: the persons' cases derived from it, released with it when its cause falls (R11). */
  persons?: { targetId: string; caseId: string }[];
}

/** An action already applied, remembered so that a retry on a later run answers the same (idempotency). */
export interface AppliedAction {
  id: string;
  at: string;
  answer: ActionAnswer;
}

/** R15: a tier listing the loop carried out: the case of its measures, and how the listing ended. */
export interface TierListingState {
  /** `${policyId}@${version}/${tier}/${from}`: one listing of the policy's evaluator. */
  key: string;
  tier: string;
  from: string;
  /** Its last day by the tier's validity; null while the score qualifies. */
  until: string | null;
  /** The case that carries the tier's measures; null when the tier has none. */
  caseId: string | null;
  ended: { lastDay: string; reason: 'expired' | 'superseded' | 'scoreDropped' } | null;
}

/** R15: the tier listings of a scored target (its acts and policy are in PostgreSQL, read by activities). */
export interface ScoringState {
  listings: TierListingState[];
}

export interface TargetState {
  targetId: string;
  kind: TargetKind;
  cases: CaseState[];
  /** Every step still owed and every system timer still running (domain/steps.ts). */
  steps: OpenStep[];
  /** R9: `${month}|${implementerId}` of every report received. */
  reported: string[];
  applied: AppliedAction[];
  /** R15: set once an act has been recorded against the target; absent in states from before scoring. */
  scoring?: ScoringState | null;
}

/** The failure types the workflow refuses with; the API maps them to 403 and 409. */
export const REFUSED = 'ActionRefused';
export const FORBIDDEN = 'ActionForbidden';
export const KEY_REUSED = 'IdempotencyKeyReused';
