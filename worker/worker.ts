// Builds the worker that hosts the target workflows and their activities.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../workflows/messages';
import { bundleOptions } from './bundle';
import { UNTRACED, workerInterceptors, workerSinks, type WorkerTracing } from './telemetry';

export { workflowsPath } from './bundle';

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once per suite); otherwise bundled from workflowsPath. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory; the SDK's default (from the heap size) when absent. */
  maxCachedWorkflows?: number;
  /** The activities, when not the ones built from `deps` (tests wrap them). */
  activities?: ReturnType<typeof createActivities>;
  /** Where the workflows' spans go (config/tracing.ts); nowhere by default. */
  tracing?: WorkerTracing;
  /**
   * Traces are exported: the workflows continue them (the interceptors, bundled from
   * workflowsPath; a prebuilt bundle must be the traced one, `tracedBundle`). Off by default.
   */
  traced?: boolean;
  /** One log line per activity run (worker/main.ts; off in the suites, whose output it would bury). */
  logActivities?: boolean;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : bundledHere(opts.traced ?? false)),
    activities: opts.activities ?? createActivities(opts.deps),
    // Traces and one log line per activity (worker/telemetry.ts); the workflow side of the trace
    // only when traced (a prebuilt bundle has it compiled in or not).
    interceptors: {
      ...workerInterceptors({ logActivities: opts.logActivities }),
      ...(opts.traced && !opts.workflowBundle ? { workflowModules: bundleOptions({ traced: true }).workflowInterceptorModules } : {}),
    },
    sinks: workerSinks(opts.tracing ?? UNTRACED),
    // One V8 context reused by every workflow (the SDK's default, kept on purpose): measured at
    // about half the memory per cached target of a context per workflow (README, "Memory").
    reuseV8Context: true,
    // Issue 17: a new target's first task (intake, import) comes on the shared queue, which the
    // SDK's default ratio (0.2) polls with 2 of the 10 pollers. Half of them took bulk import from
    // 29 to 39 cases/s at the same 16 in flight; the burst, whose tasks come on the sticky queue,
    // stayed within 3 % (31.0 s against 32.0 s for 2 000 targets; README, "A province's load").
    nonStickyToStickyPollRatio: 0.5,
    ...(opts.maxCachedWorkflows ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}

/** Bundled at start from workflowsPath, by the one recipe (./bundle.ts). */
function bundledHere(traced: boolean): Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'> {
  const { workflowsPath, preloadModules } = bundleOptions({ traced });
  return { workflowsPath, bundlerOptions: { preloadModules } };
}
