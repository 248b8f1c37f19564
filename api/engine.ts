// Every call from the API to the engine: an agency's action as its Update, intake as
// update-with-start, each under a deadline so that a request never hangs on a stopped worker.
// The Idempotency-Key is the Update's id (scoped to the agency): a retry answers what the first
// call answered, and a key reused for another request is refused.
import { createHash, randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActionName } from '../domain/actions';
import type { UpdateDefinition } from '@temporalio/common';
import {
  actionUpdates, FORBIDDEN, KEY_REUSED, TASK_QUEUE, fileCaseUpdate, scoreTargetUpdate,
  type ActionAnswer, type ActionArgs, type CaseRecorded, type FileCase, type ScoreTarget, type TargetKind,
} from '../workflows/messages';
import { targetKindKey } from '../workflows/search-attributes';
import type { targetWorkflow } from '../workflows/target';
import { badRequest, conflict, DomainError, forbidden } from './errors';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export interface Idempotency {
  /** The client's key (or one made up for a request that sent none), echoed in the answer's header. */
  key: string;
  /** The Update's id: the key within the acting agency, so two agencies' keys never meet. */
  updateId: string;
  /** A digest of the request, so that a retry with the same key but another request is told apart. */
  fingerprint: string;
}

/** The request's Idempotency-Key (echoed in the answer), its Update id and fingerprint. */
export function idempotency(request: FastifyRequest, reply: FastifyReply): Idempotency {
  const header = request.headers['idempotency-key'];
  const given = Array.isArray(header) ? header[0] : header;
  if (given !== undefined && !KEY_PATTERN.test(given)) {
    throw badRequest('idempotency-key', 'must be 1 to 200 visible ASCII characters (a UUID is a good choice)');
  }
  const key = given ?? randomUUID();
  reply.header('idempotency-key', key);
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex').slice(0, 32);
  return { key, updateId: `${request.agency!.id}/${key}`, fingerprint };
}

/** An id derived from the Update's id: a retried filing of an objection or repair keeps its id. */
export function derivedId(prefix: string, updateId: string): string {
  return `${prefix}${createHash('sha256').update(updateId).digest('hex').slice(0, 16)}`;
}

/** Why the engine refused or did not answer, as the API's error shape. */
function engineError(err: unknown, field: string, key: string): never {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    const message = cause?.message ?? err.message;
    if (cause?.type === FORBIDDEN) throw forbidden(field, message);
    if (cause?.type === KEY_REUSED) throw new DomainError(422, 'idempotency_key_reused', 'idempotency-key', message);
    throw conflict(field, message);
  }
  if (err instanceof WorkflowNotFoundError) {
    throw conflict(field, "this target's loop is closed: every measure was released and no step is open, so nothing can act on it");
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
    throw new DomainError(503, 'engine_unavailable', null,
      `the engine did not confirm the action in time; retry with the same Idempotency-Key (${key}): it is applied at most once`,
      { 'retry-after': '5', 'idempotency-key': key });
  }
  throw err;
}

/** gRPC DEADLINE_EXCEEDED (4) or UNAVAILABLE (14): the engine or its worker did not answer. */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code ?? ((err as { cause?: { code?: unknown } })?.cause?.code);
  return code === 4 || code === 14 || /deadline exceeded|unavailable/i.test(String((err as Error)?.message));
}

export interface EngineCall {
  temporal: Client;
  deadlineMs: number;
}

/** An agency's action on a target, as its Update; the answer is what the workflow recorded. */
export async function runAction<A extends ActionName>(
  engine: EngineCall, workflowId: string, name: A, args: ActionArgs[A], idem: Idempotency, field: string,
): Promise<ActionAnswer> {
  const { temporal, deadlineMs } = engine;
  let answer: ActionAnswer;
  try {
    answer = await temporal.connection.withDeadline(Date.now() + deadlineMs, () => temporal.workflow.getHandle(workflowId)
      .executeUpdate(actionUpdates[name] as typeof actionUpdates['receiveCase'], { args: [args as never], updateId: idem.updateId }));
  } catch (err) {
    engineError(err, field, idem.key);
  }
  if (answer.fingerprint !== idem.fingerprint) {
    throw new DomainError(422, 'idempotency_key_reused', 'idempotency-key', 'this Idempotency-Key was used for a different request');
  }
  return answer;
}

/**
 * R2/R3 intake: the case joins its target's workflow, started if it is not running (a target whose
 * loop closed starts a new run). A run that completes just as the case arrives is retried: the
 * Update's id makes the retry safe.
 */
/** The target a workflow is started for; `summary` is what the Temporal UI shows of it (domain/engine-summaries.ts). */
export interface EngineTarget { targetId: string; kind: TargetKind; workflowId: string; summary?: string }

export async function fileCaseWithStart(
  engine: EngineCall, target: EngineTarget, filed: FileCase,
): Promise<CaseRecorded> {
  return updateWithStart(engine, target, fileCaseUpdate, filed, `file/${filed.caseId}`, 'document.number');
}

/** R15: an act was recorded against the target: its workflow (started if need be) reads its tier again. */
export async function scoreWithStart(
  engine: EngineCall, target: EngineTarget, trigger: ScoreTarget, updateId = `score/${trigger.actId}`,
): Promise<ActionAnswer> {
  return updateWithStart(engine, target, scoreTargetUpdate, trigger, updateId, 'targetId');
}

async function updateWithStart<Arg, Ret>(
  engine: EngineCall, target: EngineTarget,
  update: UpdateDefinition<Ret, [Arg]>, arg: Arg, updateId: string, field: string,
): Promise<Ret> {
  const { temporal, deadlineMs } = engine;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof targetWorkflow>('targetWorkflow', {
        workflowId: target.workflowId, taskQueue: TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ targetId: target.targetId, kind: target.kind }],
        typedSearchAttributes: [{ key: targetKindKey, value: target.kind }],
        staticSummary: target.summary,
      });
      return await temporal.connection.withDeadline(Date.now() + deadlineMs, () => temporal.workflow.executeUpdateWithStart(update, {
        args: [arg], updateId, startWorkflowOperation,
      }));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError && attempt < 3) continue;
      engineError(err, field, updateId);
    }
  }
}
