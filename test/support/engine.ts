// The real engine for tests (scripts/engine-envs.ts) and the workflow bundle, built once per file.
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/bundle';

export { startDevServer, startTimeSkipping } from '../../scripts/engine-envs';

const bundles = new Map<boolean, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The workflow bundle, built once per test file. `traced`: with the OpenTelemetry workflow
 * interceptors, as `npm run build` makes it; its workers need the span sink (createWorker).
 */
export function workflowBundle(opts: { traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  const traced = opts.traced ?? false;
  if (!bundles.has(traced)) {
    bundles.set(traced, bundleWorkflows({ traced }));
  }
  return bundles.get(traced)!;
}

