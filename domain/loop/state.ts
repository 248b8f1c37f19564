// The state of one target's loop and the messages that change it, as plain data: what the
// workflow holds (TargetState), what each agency action carries (ActionArgs) and answers
// (ActionAnswer). Pure types and constants; workflows/messages.ts makes them the contract.
import type { ActionName } from '../actions';
import type { DocumentKind } from '../document-kinds';
import type { ReleaseReason } from '../journal-kinds';
import type { PinnedMeasure } from '../measures';
import type { OpenStep, StepView } from '../steps';

export type { PinnedMeasure };

export type TargetKind = 'enterprise' | 'person';
export type CaseSource = 'penalty_decision' | 'external_document';
export type Seriousness = 'general' | 'serious' | 'especially_serious';

/** What every action carries: the acting agency (from the key, never from the request) and when. */
export interface Envelope {
  actor: string;
  /** The instant the API received it (ISO); the workflow counts deadlines from it. */
  at: string;
  /** A digest of the request, so that a reused Idempotency-Key with another request is told apart. */
  fingerprint?: string;
}

/** R2 (a penalty decision, by ENFORCEMENT) or R3 (an external document, by CREDIT). */
export interface FileCase extends Envelope {
  caseId: string;
  source: CaseSource;
  document: { number: string; issuedOn: string; issuer: string; kind: DocumentKind | null };
  /** R3: the day CREDIT received the external document; its 3 working days count from it. */
  receivedOn: string | null;
  consultation: boolean;
  measures: PinnedMeasure[];
  authorityId: string;
  seriousness: Seriousness;
  repeated: boolean;
}

export interface CaseAction extends Envelope {
  caseId: string;
}
export interface PushToImplementers extends CaseAction {
  implementers: { agencyId: string; measures: string[] }[];
}
export interface ReportFeedback extends Envelope {
  month: string;
  summary: string;
}
export interface FileObjection extends CaseAction {
  objectionId: string;
  reason: string;
}
export interface DecideObjection extends CaseAction {
  objectionId: string;
  outcome: 'rejected' | 'upheld';
  reason: string;
}
export interface FileRepair extends CaseAction {
  repairId: string;
  commitment: { materials: string; dueOn: string } | null;
}
export interface DecideRepair extends CaseAction {
  repairId: string;
  outcome: 'approved' | 'rejected';
  reason: string;
}
export interface SupplyMaterials extends CaseAction {
  repairId: string;
}

/** The argument of each action's Update. */
export interface ActionArgs {
  receiveCase: CaseAction;
  pushToImplementers: PushToImplementers;
  acknowledge: CaseAction;
  reportFeedback: ReportFeedback;
  fileObjection: FileObjection;
  decideObjection: DecideObjection;
  releaseCase: CaseAction;
  fileRepair: FileRepair;
  decideRepair: DecideRepair;
  supplyMaterials: SupplyMaterials;
}

/** What the workflow answers: what it recorded, the steps it opened and closed. */
export interface ActionAnswer {
  action: ActionName | 'fileCase';
  caseId: string | null;
  at: string;
  fingerprint: string | null;
  opened: StepView[];
  closed: string[];
  /** Action-specific facts (an objection's id, the measures released …). */
  detail: Record<string, unknown>;
}

/** The answer to intake (R2, R3). */
export interface CaseRecorded extends ActionAnswer {
  caseId: string;
  /** R2/R3: the last day of the push limit, and whether this push came after it. */
  pushDueOn: string;
  pushDueProvisional: boolean;
  late: boolean;
}

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
  /** R2/R3: the last day of the push limit, and whether the push came after it. */
  pushDueOn: string | null;
  pushDueProvisional: boolean;
  late: boolean;
  seriousness: Seriousness;
  repeated: boolean;
  measures: PinnedMeasure[];
  implementers: { agencyId: string; measures: string[]; acknowledgedAt: string | null }[];
  /** Measures in force (from acknowledgement on), suspended or released. */
  inForce: MeasureState[];
  objection: ObjectionState | null;
  repair: RepairState | null;
}

/** An action already applied, remembered so that a retry on a later run answers the same (idempotency). */
export interface AppliedAction {
  id: string;
  at: string;
  answer: ActionAnswer;
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
}

/** The failure types the workflow refuses with; the API maps them to 403 and 409. */
export const REFUSED = 'ActionRefused';
export const FORBIDDEN = 'ActionForbidden';
export const KEY_REUSED = 'IdempotencyKeyReused';
