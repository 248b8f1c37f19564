// The database goes away mid-work: a PostgreSQL of this test's own is stopped (every connection
// cut, new ones refused) while a load of cases is driven over HTTP, stays down a moment, and is
// started again on the same directory and port. The worker's activities fail and are retried by
// Temporal with backoff; its outbox skips a beat; the API answers 5xx and the agencies retry.
// Both processes must reconnect by themselves and nothing may be lost.
//
// The API runs as its own process here (api/server.ts), so that a crash of the database driver
// takes down the API, as it would in production, and never the test runner. Both processes are
// supervised: the known postgres.js crash (KNOWN_CRASHES, an upstream driver bug with no fixed
// release yet) is recorded and the process started again, as docker-compose.yml and `npm start`
// do; any other exit fails the test. How often it happened is printed.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import {
  apiProcess, DevServer, engineClient, KNOWN_CRASHES, OwnPostgres, randomFrom, scratchDir, seedOf, sized, sleep, until,
  workerProcess, type ServiceProcess,
} from './harness';
import { CaseLoad, expectLoadSettled, viaHttp } from './load';

const CASES = sized(10, 40);
const RESTARTS = sized(1, 4);
const DOWN_MS = sized(500, 5_000);
const SPREAD_MS = sized(5_000, 40_000);
const TIMEOUT_MS = sized(120_000, 600_000);
const TOLERATED = [KNOWN_CRASHES.postgresJsNullSocket];
/** postgres.js waits at most 20 s between reconnect attempts: a minute means it never came back. */
const RECONNECT_LIMIT_MS = 60_000;

let dir: ReturnType<typeof scratchDir>;
let pg: OwnPostgres;
let dbh: DbHandle;
let engine: DevServer;
let engineQuestions: ReturnType<typeof engineClient>;
let worker: ServiceProcess;
let api: ServiceProcess;
let apiUrl: string;
let load: CaseLoad | undefined;

beforeAll(async () => {
  dir = scratchDir('postgres-restart');
  pg = await OwnPostgres.start(join(dir.path, 'pg'));
  dbh = connectDb(pg.url);
  engine = await DevServer.start(join(dir.path, 'temporal.db'));
  engineQuestions = engineClient(engine.address);
  worker = workerProcess({ DATABASE_URL: pg.appUrl, TEMPORAL_ADDRESS: engine.address }, TOLERATED);
  ({ api, url: apiUrl } = await apiProcess({ DATABASE_URL: pg.appUrl, TEMPORAL_ADDRESS: engine.address, TARGET_ID_KEY: `faults-${randomUUID()}` }, TOLERATED));
  await Promise.all([worker.start(), api.start()]);
});

afterAll(async () => {
  await load?.stop();
  await api?.stop();
  await worker?.stop();
  await engineQuestions?.close();
  await engine?.stop();
  await dbh?.close();
  await pg?.stop();
  dir?.remove();
});

/** How long after PostgreSQL is back the API's /health reads `db: ok` (RECONNECT_LIMIT_MS: never). */
async function databaseBackInApi(limitMs: number): Promise<number> {
  const from = Date.now();
  while (Date.now() - from < limitMs) {
    const health = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.json() as Promise<{ db?: string }>, () => null);
    if (health?.db === 'ok') return Date.now() - from;
    await sleep(100);
  }
  return limitMs;
}

describe('faults: PostgreSQL restarted', () => {
  it(`R5/R14: PostgreSQL stopped and started again ${RESTARTS} time(s) during a load of ${CASES} cases: activities retry, no case lost, no row duplicated`, async () => {
    const random = randomFrom(seedOf('postgres-restart'));
    load = await CaseLoad.create(viaHttp(apiUrl), dbh, `pg${randomUUID().slice(0, 6)}`);
    const driving = load.run(CASES, SPREAD_MS, TIMEOUT_MS);
    driving.catch(() => {}); // awaited below; not an unhandled rejection meanwhile

    const inFlightAtStop: number[] = [];
    const apiBackAfterMs: number[] = [];
    for (let r = 0; r < RESTARTS; r += 1) {
      await sleep(1000 + random() * 1000);
      await until(() => load!.inFlight > 0, 5_000);
      inFlightAtStop.push(load.inFlight);
      await pg.stop();
      await sleep(DOWN_MS);
      await pg.up();
      apiBackAfterMs.push(await databaseBackInApi(RECONNECT_LIMIT_MS));
    }
    await Promise.race([driving, worker.died, api.died]);

    // Each stop hit the load; the API found its database again by itself; neither process died
    // of anything but the known crash (short form).
    expect(inFlightAtStop.every((n) => n > 0), `requests in flight at each stop: ${inFlightAtStop}`).toBe(true);
    expect(apiBackAfterMs.every((ms) => ms < RECONNECT_LIMIT_MS), `ms until the API reached PostgreSQL again: ${apiBackAfterMs}`).toBe(true);
    const unknown = (exits: string[]) => exits.filter((e) => !TOLERATED.some((re) => re.test(e)));
    expect(unknown(worker.unexpectedExits)).toEqual([]);
    expect(unknown(api.unexpectedExits)).toEqual([]);
    await Promise.race([expectLoadSettled(load, dbh, engineQuestions.client, TIMEOUT_MS), worker.died, api.died]);
    console.log(`[faults] postgres-restart: ${CASES} cases, ${RESTARTS} restarts, in flight at each ${inFlightAtStop.join('/')}, `
      + `${load.retried} requests retried, API back on PostgreSQL after ${apiBackAfterMs.join('/')} ms, `
      + `known crashes: worker ${worker.unexpectedExits.length}, api ${api.unexpectedExits.length}`);
  }, TIMEOUT_MS * 2);
});
