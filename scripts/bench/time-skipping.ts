// The Java time-skipping test server for the simulated years, set up as the workflow tests set it
// up (test/support/engine.ts). Not imported from there: that file takes a named export from the
// CommonJS @temporalio/proto, which vitest resolves and plain `node --import tsx` does not.
import proto from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { readEnginePaths } from '../engine-paths.mjs';
import { workflowsPath } from '../../worker/worker';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_VALUE_TYPE: Partial<Record<SearchAttributeType, proto.temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  // Loaded here, not at the top: only the history scenario needs the testing package.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: readEnginePaths().testServer } },
  });
  // The Java test server knows no custom search attributes until they are added.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]!])),
  });
  return env;
}

/** The project's workflow bundle, built once (the bundler's info lines stay quiet). */
export function targetWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const quiet = { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };
  return bundleWorkflowCode({ workflowsPath, logger: quiet });
}
