// `npm run bench -- --intake=2000 --concurrency=32 --only=intake,feedback`: every size has a
// default that runs the whole bench in a few minutes on a 2-core machine.
import { parseArgs } from 'node:util';

export const SCENARIOS = ['intake', 'targets', 'escalation', 'feedback', 'history', 'imports', 'burst'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const TOPOLOGIES = ['dev', 'prod'] as const;
export type Topology = (typeof TOPOLOGIES)[number];
/** The scenarios made to work on `--topology=prod` (the others were written for the dev stack and are untried there). */
export const PROD_SCENARIOS: readonly Scenario[] = ['intake', 'targets', 'imports'];

export interface BenchOptions {
  only: Scenario[];
  /** Cases pushed over HTTP, and empty workflows signalled-with-start for the engine's limit. */
  intake: number;
  /** Requests in flight at once (intake, activation, escalation). */
  concurrency: number;
  /** Targets with a measure in force, held open while memory, size and reads are measured. */
  targets: number;
  /** GET /targets/:id and search requests timed, one at a time. */
  reads: number;
  /** Cases pushed past their R2 limit, each written with an overdue record. */
  escalation: number;
  /** R9 monthly reports posted at once. */
  feedback: number;
  /** Rows of cases already in force uploaded in one file through POST /imports (issue 17). */
  imports: number;
  /** Targets whose R9 reports fall due at one instant on the time-skipping server (issue 17: 10 000). */
  burst: number;
  /** Targets driven through the whole loop over HTTP for their history length. */
  loops: number;
  /** Simulated years of a target's life on the time-skipping server (0: skip). */
  years: number;
  /** Keep the stack's temporary data directory after the run. */
  keepData: boolean;
  /** `dev`: scripts/stack.ts (npm start); `prod`: scripts/prod/main.ts (npm run start:prod), default --only intake,targets,imports. */
  topology: Topology;
  /** The preset the sizes came from (`--scale`): `default`, or `province` (issue 17, 100 000 targets). */
  scale: Scale;
}

/**
 * `--scale=province` (issue 17): only `targets`, at 100 000 open targets (all but the first few
 * hundred brought in through POST /imports) and 1 000 timed reads of each kind. About 50 minutes on 2 cores;
 * not part of CI. `--only` and every size flag given explicitly still win over the preset.
 */
const SCALES = {
  default: {},
  province: { only: 'targets', targets: '100000', reads: '1000' },
} as const satisfies Record<string, Record<string, string>>;
export type Scale = keyof typeof SCALES;

const USAGE = `usage: npm run bench -- [--only=${SCENARIOS.join(',')}] [--intake=N] [--concurrency=C]
       [--targets=M] [--reads=S] [--escalation=K] [--feedback=R] [--imports=I] [--burst=B] [--loops=L] [--years=Y] [--keep-data]
       [--scale=default|province]   province: --only=targets --targets=100000 --reads=1000 (about 50 min; explicit flags win)
       [--topology=dev|prod]        prod: npm run start:prod's topology; only intake, targets and imports are made for it (the default --only there)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values, tokens } = parseArgs({
    args: argv,
    tokens: true,
    options: {
      only: { type: 'string' },
      intake: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '16' },
      targets: { type: 'string', default: '300' },
      reads: { type: 'string', default: '200' },
      escalation: { type: 'string', default: '200' },
      feedback: { type: 'string', default: '200' },
      imports: { type: 'string', default: '500' },
      burst: { type: 'string', default: '500' },
      loops: { type: 'string', default: '2' },
      years: { type: 'string', default: '1' },
      'keep-data': { type: 'boolean', default: false },
      scale: { type: 'string', default: 'default' },
      topology: { type: 'string', default: 'dev' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!Object.hasOwn(SCALES, values.scale!)) throw new Error(`--scale: unknown scale "${values.scale}"\n${USAGE}`);
  const scale = values.scale as Scale;
  if (!(TOPOLOGIES as readonly string[]).includes(values.topology!)) throw new Error(`--topology: unknown topology "${values.topology}"\n${USAGE}`);
  const topology = values.topology as Topology;
  const given = new Set<string>(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
  for (const [name, value] of Object.entries(SCALES[scale])) {
    if (!given.has(name)) (values as Record<string, unknown>)[name] = value;
  }
  const count = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${values[name]}"\n${USAGE}`);
    return n;
  };
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [...(topology === 'prod' ? PROD_SCENARIOS : SCENARIOS)];
  for (const s of only) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only: unknown scenario "${s}"\n${USAGE}`);
  }
  return {
    only: only as Scenario[],
    intake: count('intake', 1),
    concurrency: count('concurrency', 1),
    targets: count('targets', 1),
    reads: count('reads', 1),
    escalation: count('escalation', 1),
    feedback: count('feedback', 1),
    imports: count('imports', 1),
    burst: count('burst', 1),
    loops: count('loops', 0),
    years: count('years', 0),
    keepData: values['keep-data'] ?? false,
    topology,
    scale,
  };
}
