// The real engine as test environments, from the provisioned binaries (never the SDK's own
// download, which this machine cannot make): the CLI dev server and the Java time-skipping
// server. Shared by the tests and the benchmarks. `proto` is a default import so that plain
// `node --import tsx` loads it as well as vitest does (the package is CommonJS).
import proto from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';
import { readEnginePaths } from './engine-paths.mjs';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_VALUE_TYPE: Partial<Record<SearchAttributeType, proto.temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The Temporal CLI dev server with the project's search attributes. */
export function startDevServer(): Promise<TestWorkflowEnvironment> {
  return withStartupRetries(() => TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: readEnginePaths().temporalCli },
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: ['--log-level', 'error'],
    },
  }));
}

/** The Java time-skipping test server, told the project's search attributes. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await withStartupRetries(() => TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: readEnginePaths().testServer } },
  }));
  // The Java test server knows no custom search attributes until they are added.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]!])),
  });
  return env;
}

/**
 * The SDK gives an ephemeral server 5 s to answer; a JVM starting beside a loaded test run on
 * two cores can take longer. A start that timed out is tried again (each try is a new process).
 */
async function withStartupRetries<T>(start: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= tries || !/did not start within/.test(String((err as Error)?.message))) throw err;
      process.stderr.write(`[engine] the test server did not answer within the SDK's 5 s (try ${attempt} of ${tries}); starting another\n`);
    }
  }
}
