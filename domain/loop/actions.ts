// What each agency action carries (its Update's argument) and what the workflow answers. Plain
// data; workflows/messages.ts makes them the contract between api/ and workflows/.
import type { ActionName } from '../actions';
import type { DocumentKind } from '../document-kinds';
import type { PinnedMeasure } from '../measures';
import type { PenaltyFacts, PublicityTerms } from '../publicity';
import type { StepView } from '../steps';
import type { CaseSource, Seriousness } from './state';

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
  /** R2/R3: the agencies asked to consult (会商: AUTHORITY, CREDIT or ENFORCEMENT) and the LEGAL agency asked to review (法制审核). */
  consultWith: string[];
  legalReview: string | null;
  measures: PinnedMeasure[];
  authorityId: string;
  seriousness: Seriousness;
  repeated: boolean;
  /** R8/004: the penalty's facts and the publicity terms the rules in force gave them (absent before they were recorded). */
  penalty?: PenaltyFacts | null;
  terms?: PublicityTerms | null;
  /** R15: a tier listing's case: the tier's written notice (e.g. 《一般失信行为通知书》), the title of the R17 letter. */
  tierNotice?: string | null;
  /** R13: a person's case derived from its enterprise's case (domain/persons.ts): that case and its target. */
  derivedFrom?: { caseId: string; targetId: string } | null;
  /** A case brought in by bulk import (POST /imports) with the steps the old system saw taken; `at` is then the day it was filed. */
  taken?: TakenSteps | null;
}

/**
 * What an imported case had already done before it came in (R5: received, pushed to implementers,
 * acknowledged; R6–R8: measures in force since their dates): none of it is owed again.
 */
export interface TakenSteps {
  importId: string;
  /** The importing agency (ADMIN or CREDIT): the actor of the journal's `case_imported` line. */
  importedBy: string;
  /** The instant of the import (the API's clock): R9 reports are owed from its month on, not for months before. */
  importedAt: string;
  /** R5: the day the AUTHORITY received the case (implied by a push to implementers). */
  receivedOn: string | null;
  /** R5: each implementer with its kind, the measures pushed to it, when, and when it acknowledged (null: still owed). */
  implementers: { agencyId: string; kind: string; measures: string[]; pushedOn: string; acknowledgedOn: string | null }[];
  /** R6–R8: the first day in force of each acknowledged measure (default: its acknowledgement day). */
  inForceSince: Record<string, string>;
}

export interface CaseAction extends Envelope {
  caseId: string;
}
/** R5: each implementer with its kind (from the agency registry; `authority` when it is the case's AUTHORITY). */
export interface PushToImplementers extends CaseAction {
  implementers: { agencyId: string; kind: string; measures: string[] }[];
}
/** R5: measures of the case that no local implementer carries out, each with the reason. */
export interface MarkNotApplicable extends CaseAction {
  measures: { code: string; reason: string }[];
}
/** R4: the level a report reached passes it to the level above (`to`, its parent), or confirms it. */
export interface ForwardUpwardReport extends CaseAction {
  reportId: string;
  to: string;
  note: string;
}
export interface ConfirmUpwardReport extends CaseAction {
  reportId: string;
  note: string;
}
/** R2/R3: a consulted agency's or LEGAL's answer: agree, or disagree with reasons. */
export interface AnswerConsultation extends CaseAction {
  requestId: string;
  agree: boolean;
  reason: string;
}
/** R11: the party complains to the joint-conference office after an objection's answer. */
export interface FileComplaint extends CaseAction {
  complaintId: string;
  reason: string;
}
export interface DecideComplaint extends CaseAction {
  complaintId: string;
  outcome: 'rejected' | 'upheld';
  reason: string;
}
/** R11: review, reconsideration or litigation changed or revoked the cause, confirmed on a date. */
export interface RecordCauseChange extends CaseAction {
  change: 'changed' | 'revoked';
  document: { number: string; issuedOn: string; issuer: string };
  confirmedOn: string;
}
/** R11: the AUTHORITY releases the case, or drops some measures and shortens others. */
export interface AdjustCase extends CaseAction {
  release: boolean;
  drop: string[];
  shorten: { code: string; periodEnd: string }[];
}
/** R8: a platform confirms an order with its own reference. */
export interface ConfirmPublicityOrder extends CaseAction {
  orderId: string;
  reference: string;
}
/** R17: how and when a letter reached the party. */
export interface RecordLetterDelivery extends CaseAction {
  letterId: string;
  deliveredOn: string;
  way: 'direct' | 'post' | 'electronic';
}
export interface ReportFeedback extends Envelope {
  month: string;
  summary: string;
}
export interface FileObjection extends CaseAction {
  objectionId: string;
  reason: string;
  /** R11: recorded by a CREDIT agency for the originator (the API admits it by role); the originator still decides. */
  viaOffice?: boolean;
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
/** R15: an act was recorded against the target (by `actor`): the tier it is listed on may have changed. */
export interface ScoreTarget extends Envelope {
  actId: string;
}

/**
 * R13/R11: the enterprise's case a person's case derives from was released because its cause fell
 * (an objection or complaint upheld, the cause revoked): the person's case is released with it.
 * `actor` is the AUTHORITY that released the enterprise's case.
 */
export interface ReleaseWithCause extends CaseAction {
  reason: 'objection' | 'adjustment';
  enterpriseCaseId: string;
}

/** The argument of each action's Update. */
export interface ActionArgs {
  receiveCase: CaseAction;
  pushToImplementers: PushToImplementers;
  markNotApplicable: MarkNotApplicable;
  acknowledge: CaseAction;
  forwardUpwardReport: ForwardUpwardReport;
  confirmUpwardReport: ConfirmUpwardReport;
  answerConsultation: AnswerConsultation;
  reportFeedback: ReportFeedback;
  fileObjection: FileObjection;
  flagInformation: FileObjection;
  decideObjection: DecideObjection;
  fileComplaint: FileComplaint;
  decideComplaint: DecideComplaint;
  releaseCase: CaseAction;
  recordCauseChange: RecordCauseChange;
  adjustCase: AdjustCase;
  fileRepair: FileRepair;
  decideRepair: DecideRepair;
  supplyMaterials: SupplyMaterials;
  confirmPublicityOrder: ConfirmPublicityOrder;
  recordLetterDelivery: RecordLetterDelivery;
}

/** What the workflow answers: what it recorded, the steps it opened and closed. */
export interface ActionAnswer {
  action: ActionName | 'fileCase' | 'scoreTarget' | 'releaseWithCause';
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

