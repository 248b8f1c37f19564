// Drives one target workflow in a test environment the way the API does: intake by
// update-with-start, every agency action by its own Update, the state by query.
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { shanghaiDateOf } from '../../domain/dates';
import type { PinnedMeasure } from '../../domain/measures';
import type { ActionName } from '../../domain/actions';
import {
  actionUpdates, fileCaseUpdate, targetStateQuery,
  type ActionAnswer, type ActionArgs, type CaseRecorded, type FileCase, type TargetState,
} from '../../workflows/messages';
import type { targetWorkflow } from '../../workflows/target';

export const AUTHORITY = 'ag-authority';
export const ENFORCEMENT = 'ag-enforcement';

/** A measure as a case pins it; by default a one-year period in the monthly feedback set. */
export function pinned(code: string, over: Partial<PinnedMeasure> = {}): PinnedMeasure {
  return {
    code, version: 1, category: 'R6', period: { years: 1 }, legalMinimum: null, feedbackSet: true, outsideLocalAuthority: false, implementerKind: 'approval_agency', ...over,
  };
}

export function targetDriver(env: TestWorkflowEnvironment, taskQueue: string, targetId: string, input: { historyLimit?: number } = {}) {
  const workflowId = `target-${targetId}`;
  const handle = () => env.client.workflow.getHandle(workflowId);
  const now = async () => new Date(await env.currentTimeMs()).toISOString();
  return {
    workflowId,
    now,
    /** R2: a penalty decision filed by ENFORCEMENT for the AUTHORITY, decided today unless said otherwise. */
    async file(caseId: string, over: Partial<FileCase> = {}): Promise<CaseRecorded> {
      const at = over.at ?? await now();
      const filed: FileCase = {
        caseId, actor: ENFORCEMENT, at, source: 'penalty_decision',
        document: { number: `杭市管罚〔2026〕${caseId}号`, issuedOn: at.slice(0, 10), issuer: '杭州市市场监督管理局', kind: null },
        receivedOn: null, consultation: false, consultWith: [], legalReview: null, measures: [pinned('DM-A')], authorityId: AUTHORITY, seriousness: 'general', repeated: false,
        ...over,
      };
      return env.client.workflow.executeUpdateWithStart(fileCaseUpdate, {
        args: [filed], updateId: `file/${caseId}`,
        startWorkflowOperation: new WithStartWorkflowOperation<typeof targetWorkflow>('targetWorkflow', {
          workflowId, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING', args: [{ targetId, kind: 'enterprise', ...input }],
        }),
      });
    },
    /** An agency action by its Update, stamped with the engine's clock. */
    async act<A extends ActionName>(name: A, args: Omit<ActionArgs[A], 'at'> & { at?: string }, updateId?: string): Promise<ActionAnswer> {
      const full = { ...args, at: args.at ?? await now() } as ActionArgs[A];
      return handle().executeUpdate(actionUpdates[name] as typeof actionUpdates['receiveCase'], { args: [full as never], updateId });
    },
    /** R17: the AUTHORITY records the case's notice (失信告知书) delivered today. */
    async deliver(caseId: string): Promise<ActionAnswer> {
      const at = await now();
      const args = { caseId, actor: AUTHORITY, letterId: `${caseId}.L1`, deliveredOn: shanghaiDateOf(at), way: 'direct' as const, at };
      return handle().executeUpdate(actionUpdates.recordLetterDelivery, { args: [args] });
    },
    state: (): Promise<TargetState> => handle().query(targetStateQuery),
    handle,
  };
}

/** The workflow's refusal of an Update: its type (ActionRefused, ActionForbidden) and reason. Fails if it was accepted. */
export async function refusal(p: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message?: string } }).cause;
    return { type: cause?.type, message: cause?.message ?? (err as Error).message };
  }
  throw new Error('the Update was accepted, a refusal was expected');
}
