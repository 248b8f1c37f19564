// The contract between api/ and workflows/: the task queue, workflow ids, every update,
// signal and query with its argument and result types. Nothing else crosses.
//
// Agency actions are Updates, one per kind of action (domain/actions.ts): the workflow's
// validator is the one judge of whether the target's state allows it, and the answer is what
// the workflow recorded. The actor is always the agency of the caller's key, set by the API.
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { ACTION_NAMES, type ActionName } from '../domain/actions';
import type { ActionAnswer, ActionArgs, CaseRecorded, FileCase, ReleaseWithCause, ScoreTarget, TargetKind, TargetState } from '../domain/loop/state';

// The loop's data (the state, each action's argument and answer, the refusals) is the domain's.
export * from '../domain/loop/state';

export const TASK_QUEUE = 'joint-discipline';

export function targetWorkflowId(targetId: string): string {
  return `target-${targetId}`;
}

export interface TargetWorkflowInput {
  targetId: string;
  kind: TargetKind;
  /** Carried over by continue-as-new. */
  state?: TargetState;
  /** Continue as new past this many history events too (tests; the server's suggestion always applies). */
  historyLimit?: number;
}

/** R16: a year of the schedule was loaded or corrected; provisional deadlines in it are recomputed. */
export interface CalendarChanged {
  years: number[];
  reason: string;
}

export const fileCaseUpdate = defineUpdate<CaseRecorded, [FileCase]>('fileCase');
/** One Update per agency action, named as the action registry names it (domain/actions.ts). */
export const actionUpdates = Object.fromEntries(ACTION_NAMES.map((name) => [name, defineUpdate(name)])) as {
  [A in ActionName]: UpdateDefinition<ActionAnswer, [ActionArgs[A]], A>;
};

/** R16: not an agency action: it only makes the workflow re-read the calendar through an activity. */
export const calendarChangedSignal = defineSignal<[CalendarChanged]>('calendarChanged');
export const targetStateQuery = defineQuery<TargetState>('targetState');

// ---------------------------------------------------------------------------------------------
// R9 The monthly report: one per implementer and month (POST /reports), carried to every target
// that owes it by a workflow of its own, so that a report accepted is never lost half-way.

export function monthlyReportWorkflowId(implementerId: string, month: string): string {
  return `report-${implementerId}-${month}`;
}

export interface MonthlyReportInput {
  implementerId: string;
  month: string;
  /** When the API accepted the report: the instant the targets' steps are done. */
  at: string;
  /** Carried by continue-as-new: the last target reached, and how many were. */
  after?: string;
  delivered?: number;
}

/** R9: the implementer's report on the month reached this target: its feedback step is done. */
export interface MonthlyReportFiled {
  implementerId: string;
  month: string;
  at: string;
}
export const monthlyReportSignal = defineSignal<[MonthlyReportFiled]>('monthlyReportFiled');

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

/** R1: CREDIT or LEGAL decides a proposed change; each role once, while it is under review. */
export const decideMeasureChangeUpdate = defineUpdate<MeasureReviewState, [ReviewDecisionMessage]>('decideMeasureChange');
export const measureReviewStateQuery = defineQuery<MeasureReviewState>('measureReviewState');

// ---------------------------------------------------------------------------------------------
// R15 Scoring policies, reviewed like list changes (R1): ADMIN proposes a policy file, CREDIT and
// LEGAL (two different agencies) each decide. The review is workflows/review.ts, as for R1.

export function scoringPolicyReviewWorkflowId(changeId: string): string {
  return `scoring-policy-${changeId}`;
}

export interface ScoringPolicyReviewInput {
  changeId: string;
  proposedAt: string;
  effectiveFrom: string | null;
}

export const decideScoringPolicyUpdate = defineUpdate<MeasureReviewState, [ReviewDecisionMessage]>('decideScoringPolicy');
export const scoringPolicyReviewStateQuery = defineQuery<MeasureReviewState>('scoringPolicyReviewState');

/** R15: an act was recorded against the target (or its correction): the workflow re-reads its tier and acts on a change. */
export const scoreTargetUpdate = defineUpdate<ActionAnswer, [ScoreTarget]>('scoreTarget');

/**
 * R13/R11: the enterprise's case a person's case derives from was released because its cause fell;
 * sent by the enterprise's workflow (an activity), never by the API: the person's workflow releases
 * its derived case itself.
 */
export const releaseWithCauseUpdate = defineUpdate<ActionAnswer, [ReleaseWithCause]>('releaseWithCause');
