// `npm run bench` (through scripts/bootstrap.mjs, which installs the dependencies and provisions
// the engine): starts a stack of its own (scripts/stack.ts in a temporary DATA_DIR on free ports;
// with --topology=prod, scripts/prod/main.ts, the production topology: ./prod-stack.ts),
// runs the scenarios, stops the stack, and prints ONE JSON object of figures on stdout (progress
// goes to stderr; `npm run -s bench` drops npm's banner), also written to bench/results/<timestamp>.json.
// Scenarios and sizes: see ./options.ts, or `npm run bench -- --help`.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { readEnginePaths } from '../engine-paths.mjs';
import { closeContext, openContext, type BenchContext } from './context';
import { startLocalStack, type LocalStack } from './local-stack';
import { log, round } from './measure';
import { parseOptions, PROD_SCENARIOS, type Scenario } from './options';
import { burstScenario } from './scenarios/burst';
import { escalationScenario } from './scenarios/escalation';
import { feedbackScenario } from './scenarios/feedback';
import { historyScenario } from './scenarios/history';
import { importsScenario } from './scenarios/imports';
import { intakeScenario } from './scenarios/intake';
import { openTargetsScenario } from './scenarios/open-targets';

const root = fileURLToPath(new URL('../../', import.meta.url));

const SCENARIO_RUNNERS: Record<Scenario, (ctx: BenchContext) => Promise<unknown>> = {
  intake: intakeScenario,
  targets: openTargetsScenario,
  escalation: escalationScenario,
  feedback: feedbackScenario,
  history: historyScenario,
  imports: importsScenario,
  burst: burstScenario,
};

function machine() {
  const cpus = os.cpus();
  const version = (pkg: string) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
  const temporalCli = spawnSync(readEnginePaths().temporalCli, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    freeMemMiBAtStart: Math.round(os.freemem() / 2 ** 20),
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    temporalCli,
    temporalSdk: version('@temporalio/client'),
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = performance.now();
  // The in-process workers (engine baseline, simulated years) log warnings only, on stderr; the
  // native core would write to stdout unless forwarded. No shutdown signals for the SDK: on
  // Ctrl-C the bench stops its stack and exits itself.
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`[bench:sdk] ${entry.level} ${entry.message}\n`)),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
    shutdownSignals: [],
  });

  let stack: LocalStack | undefined;
  let ctx: BenchContext | undefined;
  const stopOnSignal = async (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    await stack?.stop();
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const scenarios: Record<string, unknown> = {};
  let failed = false;
  let stackStartMs = 0;
  let atEnd: Record<string, unknown> = {};
  try {
    const s0 = performance.now();
    for (const name of opts.only) {
      if (opts.topology === 'prod' && !PROD_SCENARIOS.includes(name)) log(`${name}: not made for --topology=prod (only ${PROD_SCENARIOS.join(', ')}); its figures may be wrong or it may fail`);
    }
    stack = await startLocalStack({ keepData: opts.keepData, topology: opts.topology });
    stackStartMs = Math.round(performance.now() - s0);
    log(`stack ready in ${stackStartMs} ms`);
    ctx = await openContext(opts, stack);
    for (const name of opts.only) {
      const s = performance.now();
      try {
        scenarios[name] = await SCENARIO_RUNNERS[name](ctx);
      } catch (err) {
        // One scenario failing must not cost the figures of the others.
        failed = true;
        log(`${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
        scenarios[name] = { error: err instanceof Error ? err.message : String(err) };
      }
      log(`${name} done in ${Math.round(performance.now() - s)} ms`);
    }
    const [{ bytes, version }] = await ctx.dbh.sql<{ bytes: string; version: string }[]>`
      select pg_database_size(current_database())::text as bytes, current_setting('server_version') as version`;
    atEnd = { memoryMiB: stack.memory(), databaseMiB: round(Number(bytes) / 2 ** 20), postgres: version };
  } finally {
    if (ctx) await closeContext(ctx);
    if (stack) await stack.stop();
  }

  const report = {
    bench: 'joint-discipline',
    startedAt: startedAt.toISOString(),
    wallMs: Math.round(performance.now() - t0),
    machine: machine(),
    options: opts,
    stackStartMs,
    ...scenarios,
    atEnd,
  };
  const json = JSON.stringify(report, null, 2);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // ISO 8601 with the colons dropped from the time, so the name is valid on every file system.
  const file = join(dir, `${startedAt.toISOString().replace(/:/g, '').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, `${json}\n`);
  process.stdout.write(`${json}\n`);
  log(`written to ${file}`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  log(`failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
