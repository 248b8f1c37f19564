// The real engine for tests (scripts/engine-envs.ts) and the workflow bundle, built once per file.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowsPath } from '../../worker/worker';

export { startDevServer, startTimeSkipping } from '../../scripts/engine-envs';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => {}, trace: () => {}, debug: () => {}, info: () => {},
  warn: (m: string) => console.warn(m), error: (m: string) => console.error(m),
};
