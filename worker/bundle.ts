// The workflow bundle, one recipe for the worker, `npm run build`, the tests and the benches:
// the target workflow, the tracing interceptors when traced, and the modules every workflow of
// the reused V8 context shares instead of evaluating them once per cached workflow.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from './telemetry';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const DOMAIN = fileURLToPath(new URL('../domain/', import.meta.url));

/**
 * domain/: the rules, pure functions and constant tables that import nothing outside domain/ and
 * keep no state (test/unit/workflow-bundle.test.ts holds them to it). Preloaded (the SDK's
 * `preloadModules`), they are evaluated once per workflow thread; otherwise every workflow
 * the worker caches or replays evaluates its own copy (issue 17: memory per cached target and
 * the time of a replay).
 */
export function sharedModules(dir = DOMAIN): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sharedModules(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  }).sort();
}

/** What the bundler is given: with the OpenTelemetry workflow interceptors only when traced. */
export function bundleOptions(opts: { traced?: boolean } = {}): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules' | 'preloadModules'> {
  return {
    workflowsPath,
    preloadModules: sharedModules(),
    ...(opts.traced ? { workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES } : {}),
  };
}

const quiet = {
  log: () => {}, trace: () => {}, debug: () => {}, info: () => {},
  warn: (m: string) => process.stderr.write(`${m}\n`), error: (m: string) => process.stderr.write(`${m}\n`),
};

/** Bundles the target workflow (the bundler's info lines stay quiet). */
export function bundleWorkflows(opts: { traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ ...bundleOptions(opts), logger: quiet });
}
