// Whether a worker is polling the task queue: without one, every action would wait for its
// deadline and answer 503, so an API instance is not ready to take traffic (GET /health/ready).
// The engine lists the pollers of a queue with the time each last polled; a worker's long poll
// lasts up to a minute when the queue is idle, and a stopped worker stays listed for minutes
// after its last poll, so a poller counts when it polled within POLLER_FRESH_MS.
import proto from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../workflows/messages';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** Longer than the engine's long poll (about 60 s) with room for a slow round trip. */
export const POLLER_FRESH_MS = 90_000;

type Seconds = number | { toNumber(): number } | null | undefined;
export interface Poller {
  identity?: string | null;
  lastAccessTime?: { seconds?: Seconds; nanos?: number | null } | null;
}

function millisOf(ts: Poller['lastAccessTime']): number | null {
  if (!ts || ts.seconds == null) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** The identities of the pollers that polled within `freshMs` of `nowMs`. */
export function livePollers(pollers: Poller[], nowMs: number, freshMs = POLLER_FRESH_MS): string[] {
  return pollers.filter((p) => {
    const at = millisOf(p.lastAccessTime);
    return at !== null && nowMs - at <= freshMs;
  }).map((p) => p.identity ?? '(unnamed)');
}

export interface Readiness {
  taskQueue: string;
  /** Workers polling for workflow tasks and for activity tasks, by identity (host and process). */
  workflowPollers: string[];
  activityPollers: string[];
}

/** Both kinds of task must be polled: our workers run the workflows and their activities. */
export async function taskQueuePollers(temporal: Client, nowMs: number, freshMs = POLLER_FRESH_MS): Promise<Readiness> {
  const describe = (taskQueueType: proto.temporal.api.enums.v1.TaskQueueType) => temporal.workflowService.describeTaskQueue({
    namespace: temporal.options.namespace,
    taskQueue: { name: TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType,
  });
  const [workflow, activity] = await Promise.all([
    describe(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), describe(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
  ]);
  return {
    taskQueue: TASK_QUEUE,
    workflowPollers: livePollers(workflow.pollers ?? [], nowMs, freshMs),
    activityPollers: livePollers(activity.pollers ?? [], nowMs, freshMs),
  };
}
