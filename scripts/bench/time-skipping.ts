// The Java time-skipping test server for the simulated years (scripts/engine-envs.ts) and the
// project's workflow bundle.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowsPath } from '../../worker/worker';

export { startTimeSkipping } from '../engine-envs';

/** The project's workflow bundle, built once (the bundler's info lines stay quiet). */
export function targetWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const quiet = { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };
  return bundleWorkflowCode({ workflowsPath, logger: quiet });
}
