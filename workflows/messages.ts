// The contract between api/ and workflows/: the task queue, workflow ids, every signal,
// query and update with its argument and result types. Nothing else crosses.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export const TASK_QUEUE = 'joint-discipline';

export type TargetKind = 'enterprise' | 'person';
export type CaseSource = 'penalty_decision' | 'external_document';

export function targetWorkflowId(targetId: string): string {
  return `target-${targetId}`;
}

export interface DecisionDocument {
  number: string;
  /** The decision date (YYYY-MM-DD) the push limit counts from (R2, R3). */
  issuedOn: string;
  issuer: string;
}

/** A cause pushed against the target (R2 penalty decision, R3 external document). */
export interface CaseFiled {
  caseId: string;
  source: CaseSource;
  document: DecisionDocument;
  consultation: boolean;
  /** The measures with the catalog version each was matched against (R1: the case keeps it). */
  measures: { code: string; version: number; period?: { years: number } | { months: number } | { days: number } }[];
  /** The receiving AUTHORITY (R2, R3). */
  authorityId?: string;
  /** R12: seriousness and repetition, which limit credit repair. */
  seriousness?: 'general' | 'serious' | 'especially_serious';
  repeated?: boolean;
  /** R2/R3: the push limit and whether this push came after it. */
  pushDueOn?: string;
  late?: boolean;
  /** The agency that pushed it (ENFORCEMENT or CREDIT). */
  pushedBy?: string;
  /** When the cause was pushed (ISO instant, taken by the API so it is in history). */
  pushedAt: string;
}

/** R5: the receiving AUTHORITY confirms receipt of a case. */
export interface CaseReceived {
  caseId: string;
  by: string;
  receivedAt: string;
}

export interface TargetWorkflowInput {
  targetId: string;
  kind: TargetKind;
  /** Carried over by continue-as-new. */
  state?: TargetState;
  pending?: TargetMessage[];
  /** Continue as new past this many history events too (tests; the server's suggestion always applies). */
  historyLimit?: number;
}

/** pushed → received (R5 receipt) → implementing (pushed to implementers, R5). */
export type CaseStatus = 'pushed' | 'received' | 'implementing';

/** R5: the AUTHORITY pushes or shares the case to the implementers it selects. */
export interface ImplementersSelected {
  caseId: string;
  by: string;
  implementers: { agencyId: string; measures: string[] }[];
  at: string;
}

/** R5: an implementer acknowledges the measures pushed to it. */
export interface ImplementationAcknowledged {
  caseId: string;
  agencyId: string;
  at: string;
}

/** R6–R8, R10: a measure as carried out, from acknowledgement to release. */
export interface MeasureState {
  code: string;
  implementerId: string;
  status: 'active' | 'suspended' | 'released';
  activeFrom: string;
  /** Last day of the period; null: permanent, or a period the decision did not set. */
  periodEnd: string | null;
  releaseReason?: 'period_end' | 'objection' | 'repair';
  /** The day it was released (Asia/Shanghai). */
  releasedOn?: string;
  /** R11: the day it was suspended, while it is. */
  suspendedOn?: string;
  /** R12: end of the legal minimum period ('never' for a lifetime measure); repair cannot release before it. */
  minimumEnd?: string | null;
  /** R12: a repair released the case but this measure waits for its legal minimum: released then, for this reason. */
  pendingRelease?: { reason: 'repair'; originalPeriodEnd: string | null };
  /** R9: in the monthly feedback set. */
  feedbackSet?: boolean;
}

/** R11: the target objects to a case's cause (recorded by CREDIT or the originator). */
export interface ObjectionFiled {
  objectionId: string;
  caseId: string;
  by: string;
  reason: string;
  at: string;
}

/** R11: the objection is verified: rejected (the period resumes) or upheld (the cause is changed, revoked, illegal or invalid). */
export interface ObjectionDecided {
  objectionId: string;
  caseId: string;
  outcome: 'rejected' | 'upheld';
  by: string;
  reason: string;
  at: string;
}

/** R11: after an upheld objection, the AUTHORITY releases the case's measures. */
export interface CaseReleased {
  caseId: string;
  by: string;
  reason: 'objection';
  at: string;
}

export interface ObjectionState {
  objectionId: string;
  by: string;
  suspendedOn: string;
  verifyDue: DeadlineState;
  verifyOverdue: boolean;
  outcome: 'rejected' | 'upheld' | null;
  decidedOn: string | null;
  /** R11: after an upheld objection, the AUTHORITY releases within 3 working days of the confirmation. */
  releaseDue: DeadlineState | null;
  releaseOverdue: boolean;
  releasedOn: string | null;
}

/** R12: the target applies for credit repair on a case (recorded by CREDIT); 容缺受理 with a dated commitment. */
export interface RepairFiled {
  repairId: string;
  caseId: string;
  by: string;
  commitment: { materials: string; dueOn: string } | null;
  at: string;
}

export interface RepairDecided {
  repairId: string;
  caseId: string;
  outcome: 'approved' | 'rejected';
  by: string;
  reason: string;
  at: string;
}

/** R12: the missing secondary materials were supplied. */
export interface CommitmentFulfilled {
  repairId: string;
  caseId: string;
  at: string;
}

export interface RepairState {
  repairId: string;
  by: string;
  reviewDue: DeadlineState;
  reviewOverdue: boolean;
  outcome: 'approved' | 'rejected' | null;
  decidedOn: string | null;
  commitment: { materials: string; dueOn: string } | null;
  fulfilledOn: string | null;
  /** Set when a broken commitment revoked the repair. */
  revokedOn: string | null;
}

/** R9: an implementer's report on a month of a target's measures. */
export interface FeedbackReported {
  month: string;
  implementerId: string;
  summary: string;
  at: string;
}

/** R9: the next month whose reports are awaited, and when they are due (the 7th of the month after). */
export interface FeedbackState {
  month: string | null;
  due: DeadlineState | null;
  /** `${month}|${implementerId}` of every report received. */
  reported: string[];
}

export interface ImplementerState {
  agencyId: string;
  measures: string[];
  acknowledgeDue: DeadlineState;
  acknowledgedAt: string | null;
  overdue: boolean;
}

/** A deadline computed by an activity from the calendar as loaded then (R16). */
export interface DeadlineState {
  /** The event date counting starts after, and the number of working days. */
  from: string;
  workingDays: number;
  due: string;
  dueAt: string;
  dueAtMs: number;
  /** Counted Monday–Friday because these years had no loaded schedule. */
  provisional: boolean;
  missingYears?: number[];
}

export interface CaseState {
  caseId: string;
  source: CaseSource;
  documentNumber: string;
  status: CaseStatus;
  pushedAt: string;
  /** R5 receipt deadline: end of the 3rd working day after the push (Asia/Shanghai). */
  receiptDue: DeadlineState | null;
  receiptOverdue: boolean;
  /** R14: reminders sent while the receipt stays overdue, and when the next one is due. */
  receiptReminders?: number;
  receiptNextReminder?: DeadlineState | null;
  implementers?: ImplementerState[];
  activeMeasures?: MeasureState[];
  /** R11: the latest objection; the information is under objection while it is undecided. */
  objection?: ObjectionState;
  /** R12: the latest credit-repair application. */
  repair?: RepairState;
}

/** R14: reminders of an overdue step other than the receipt (which keeps its own fields). */
export interface ReminderState {
  caseId: string | null;
  step: string;
  agencyId: string | null;
  month: string | null;
  count: number;
  next: DeadlineState | null;
}

export interface TargetState {
  targetId: string;
  kind: TargetKind;
  cases: CaseState[];
  feedback?: FeedbackState;
  reminders?: ReminderState[];
}

/** R16: a year of the schedule was loaded or corrected; provisional deadlines in it are recomputed. */
export interface CalendarChanged {
  years: number[];
  reason: string;
}

export type TargetMessage =
  | { type: 'caseFiled'; body: CaseFiled }
  | { type: 'caseReceived'; body: CaseReceived }
  | { type: 'calendarChanged'; body: CalendarChanged }
  | { type: 'implementersSelected'; body: ImplementersSelected }
  | { type: 'acknowledged'; body: ImplementationAcknowledged }
  | { type: 'feedbackReported'; body: FeedbackReported }
  | { type: 'objectionFiled'; body: ObjectionFiled }
  | { type: 'objectionDecided'; body: ObjectionDecided }
  | { type: 'caseReleased'; body: CaseReleased }
  | { type: 'repairFiled'; body: RepairFiled }
  | { type: 'repairDecided'; body: RepairDecided }
  | { type: 'commitmentFulfilled'; body: CommitmentFulfilled };

export const caseFiledSignal = defineSignal<[CaseFiled]>('caseFiled');
export const caseReceivedSignal = defineSignal<[CaseReceived]>('caseReceived');
export const calendarChangedSignal = defineSignal<[CalendarChanged]>('calendarChanged');
export const implementersSelectedSignal = defineSignal<[ImplementersSelected]>('implementersSelected');
export const acknowledgedSignal = defineSignal<[ImplementationAcknowledged]>('implementationAcknowledged');
export const feedbackReportedSignal = defineSignal<[FeedbackReported]>('feedbackReported');
export const objectionFiledSignal = defineSignal<[ObjectionFiled]>('objectionFiled');
export const objectionDecidedSignal = defineSignal<[ObjectionDecided]>('objectionDecided');
export const caseReleasedSignal = defineSignal<[CaseReleased]>('caseReleased');
export const repairFiledSignal = defineSignal<[RepairFiled]>('repairFiled');
export const repairDecidedSignal = defineSignal<[RepairDecided]>('repairDecided');
export const commitmentFulfilledSignal = defineSignal<[CommitmentFulfilled]>('commitmentFulfilled');
export const targetStateQuery = defineQuery<TargetState>('targetState');

// ---------------------------------------------------------------------------------------------
// R1 Reviewed changes to the two lists: AUTHORITY proposes, CREDIT and LEGAL each decide.

export function measureReviewWorkflowId(changeId: string): string {
  return `measure-change-${changeId}`;
}

export type ReviewerRole = 'CREDIT' | 'LEGAL';

export interface MeasureReviewInput {
  changeId: string;
  kind: 'add' | 'amend' | 'retire';
  code: string;
  proposedAt: string;
  /** The date the change should take effect once approved (YYYY-MM-DD); null: on approval. */
  effectiveFrom: string | null;
}

export interface ReviewDecisionMessage {
  role: ReviewerRole;
  agencyId: string;
  agencyName: string;
  approve: boolean;
  reason: string | null;
  at: string;
}

export interface MeasureReviewState {
  changeId: string;
  status: 'under_review' | 'approved' | 'rejected' | 'effective';
  credit: ReviewDecisionMessage | null;
  legal: ReviewDecisionMessage | null;
  reviewDue: { due: string; dueAt: string; dueAtMs: number; provisional: boolean } | null;
  escalated: boolean;
  effectiveFrom: string | null;
}

export const reviewDecisionSignal = defineSignal<[ReviewDecisionMessage]>('reviewDecision');
export const measureReviewStateQuery = defineQuery<MeasureReviewState>('measureReviewState');

/**
 * An agency's action on a target, as an Update: the workflow's validator refuses what its own
 * state does not allow (the caller hears why), and the call returns once the action is handled.
 */
export type TargetAction = Exclude<TargetMessage, { type: 'caseFiled' } | { type: 'calendarChanged' }>;
export interface ActionResult {
  accepted: true;
  type: TargetAction['type'];
}
export const targetActionUpdate = defineUpdate<ActionResult, [TargetAction]>('targetAction');
