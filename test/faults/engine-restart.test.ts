// The engine goes away mid-work: the Temporal dev server (persisting to a SQLite file) is
// killed with SIGKILL while a load of cases is driven over HTTP, stays down a moment, and is
// started again on the same port and the same file. The worker process keeps running and must
// reconnect by itself; the API answers 5xx while the engine is down and the agencies retry.
// Nothing may be lost: every workflow, pending signal and Update that the engine acknowledged is
// in its file, and every activity is an idempotent write.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import {
  apiOn, DevServer, randomFrom, scratchDatabase, scratchDir, seedOf, sized, sleep, until, workerProcess, type ServiceProcess,
} from './harness';
import { CaseLoad, expectLoadSettled, viaInject } from './load';

const CASES = sized(10, 40);
const RESTARTS = sized(1, 4);
const DOWN_MS = sized(1_500, 5_000);
const SPREAD_MS = sized(5_000, 40_000);
const TIMEOUT_MS = sized(120_000, 600_000);

let dir: ReturnType<typeof scratchDir>;
let dbh: DbHandle;
let engine: DevServer;
let worker: ServiceProcess;
let api: Awaited<ReturnType<typeof apiOn>>;
let load: CaseLoad | undefined;

beforeAll(async () => {
  dir = scratchDir('engine-restart');
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

describe('faults: the engine restarted', () => {
  it(`R5/R14: the Temporal dev server killed and started again on its file ${RESTARTS} time(s) during a load of ${CASES} cases loses no case and duplicates no row`, async () => {
    const random = randomFrom(seedOf('engine-restart'));
    load = await CaseLoad.create(viaInject(api.app), dbh, `eng${randomUUID().slice(0, 6)}`);
    const driving = load.run(CASES, SPREAD_MS, TIMEOUT_MS);
    driving.catch(() => {}); // awaited below; not an unhandled rejection meanwhile

    const inFlightAtCrash: number[] = [];
    for (let r = 0; r < RESTARTS; r += 1) {
      await sleep(1000 + random() * 1000);
      await until(() => load!.inFlight > 0, 5_000);
      inFlightAtCrash.push(load.inFlight);
      await engine.crash();
      await sleep(DOWN_MS);
      await engine.up();
    }
    await Promise.race([driving, worker.died]);

    // Each crash hit the load; the worker rode out every one on its own connection.
    expect(inFlightAtCrash.every((n) => n > 0), `requests in flight at each crash: ${inFlightAtCrash}`).toBe(true);
    expect(worker.unexpectedExits).toEqual([]);
    await Promise.race([expectLoadSettled(load, dbh, api.client, TIMEOUT_MS), worker.died]);
    console.log(`[faults] engine-restart: ${CASES} cases, ${RESTARTS} restarts, in flight at each ${inFlightAtCrash.join('/')}, ${load.retried} requests retried`);
  }, TIMEOUT_MS * 2);
});
