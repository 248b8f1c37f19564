// The worker dies mid-work: the worker process (`node --import tsx worker/main.ts`, as `npm
// start` runs it) is killed with SIGKILL again and again while a load of cases is driven over
// HTTP, and started again each time. Its workflow tasks and activities are abandoned to their
// timeouts and handed to the next worker; every activity is an idempotent write. So every case
// must end where its plan takes it, with no row twice and none missing.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import {
  apiOn, DevServer, randomFrom, scratchDatabase, scratchDir, seedOf, sized, sleep, until, workerProcess, type ServiceProcess,
} from './harness';
import { CaseLoad, expectLoadSettled, viaInject } from './load';

const CASES = sized(10, 60);
const KILLS = sized(2, 8);
/** The cases start over longer than the kills last, so that every kill finds requests in flight. */
const SPREAD_MS = sized(6_000, 40_000);
const TIMEOUT_MS = sized(120_000, 600_000);

let dir: ReturnType<typeof scratchDir>;
let dbh: DbHandle;
let engine: DevServer;
let worker: ServiceProcess;
let api: Awaited<ReturnType<typeof apiOn>>;
let load: CaseLoad | undefined;

beforeAll(async () => {
  dir = scratchDir('worker-kill');
  const db = await scratchDatabase(inject('databaseUrl'));
  dbh = db.dbh;
  engine = await DevServer.start(join(dir.path, 'temporal.db'));
  worker = workerProcess({ DATABASE_URL: db.appUrl, TEMPORAL_ADDRESS: engine.address });
  await worker.start();
  api = await apiOn(engine.address, dbh, `faults-${randomUUID()}`);
});

afterAll(async () => {
  await load?.stop();
  await api?.close();
  await worker?.stop();
  await engine?.stop();
  await dbh?.close();
  dir?.remove();
});

describe('faults: the worker killed', () => {
  it(`R5/R14: a worker killed with SIGKILL ${KILLS} times during a load of ${CASES} cases loses no case and duplicates no row`, async () => {
    const random = randomFrom(seedOf('worker-kill'));
    load = await CaseLoad.create(viaInject(api.app), dbh, `kill${randomUUID().slice(0, 6)}`);
    const driving = load.run(CASES, SPREAD_MS, TIMEOUT_MS);
    driving.catch(() => {}); // awaited below; not an unhandled rejection meanwhile

    const inFlightAtKill: number[] = [];
    for (let k = 0; k < KILLS; k += 1) {
      // Every 1–2 s, at a moment when agencies' requests are being handled.
      await sleep(1000 + random() * 1000);
      await until(() => load!.inFlight > 0, 5_000);
      inFlightAtKill.push(load.inFlight);
      await worker.kill();
      await worker.start();
    }
    await Promise.race([driving, worker.died]);

    // Each kill hit the load, not an idle system; the worker never died of anything else.
    expect(inFlightAtKill.every((n) => n > 0), `requests in flight at each kill: ${inFlightAtKill}`).toBe(true);
    expect(worker.unexpectedExits).toEqual([]);
    await Promise.race([expectLoadSettled(load, dbh, api.client, TIMEOUT_MS), worker.died]);
    console.log(`[faults] worker-kill: ${CASES} cases, ${KILLS} kills, in flight at each kill ${inFlightAtKill.join('/')}, ${load.retried} requests retried`);
  }, TIMEOUT_MS * 2);
});
