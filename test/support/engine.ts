// The real engine for tests (scripts/engine-envs.ts) and the workflow bundle, built once per file.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/telemetry';
import { workflowsPath } from '../../worker/worker';

export { startDevServer, startTimeSkipping } from '../../scripts/engine-envs';

const bundles = new Map<boolean, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The workflow bundle, built once per test file. `traced`: with the OpenTelemetry workflow
 * interceptors, as `npm run build` makes it; its workers need the span sink (createWorker).
 */
export function workflowBundle(opts: { traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  const traced = opts.traced ?? false;
  if (!bundles.has(traced)) {
    bundles.set(traced, bundleWorkflowCode({
      workflowsPath, logger: quietLogger, ...(traced ? { workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES } : {}),
    }));
  }
  return bundles.get(traced)!;
}

const quietLogger = {
  log: () => {}, trace: () => {}, debug: () => {}, info: () => {},
  warn: (m: string) => console.warn(m), error: (m: string) => console.error(m),
};
