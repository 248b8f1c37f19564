// The production topology of `npm run start:prod` (scripts/prod/main.ts), started as a newcomer
// starts it, in a DATA_DIR of its own: the real Temporal server on PostgreSQL, its UI, two
// workers and two API instances behind the proxy. Cases are driven through the proxy while one
// worker and one API instance are killed with SIGKILL; every case the API accepted must be in
// PostgreSQL with its workflow, and both instances of each kind must have carried cases.
// About 2 minutes on 2 cores (`npm run test:prod`; not in `npm test`). The checks are about the
// topology, not the loop: the load is test/faults/load.ts's, whatever the loop's API becomes.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { embeddedUrl } from '../../db/embedded';
import { cases } from '../../db/schema';
import { ensureEngineKey, mintToken } from '../../scripts/prod/engine-auth';
import { readPids } from '../../scripts/prod/supervisor';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { sleep, until } from '../faults/harness';
import { CaseLoad, type Transport } from '../faults/load';
import { eventually } from '../support/eventually';
import { freeProdPorts, isAlive, Launcher, scratchDataDir } from './launcher';

const CASES = 20;
const SPREAD_MS = 10_000;

let dataDir: ReturnType<typeof scratchDataDir>;
let ports: Awaited<ReturnType<typeof freeProdPorts>>;
let launcher: Launcher;
let api: string;
let dbh: DbHandle;
let connection: Connection;
let client: Client;
let startupMs: number;
/** A case the load filed: the side door is tried on its workflow. */
let aCase: { caseId: string; workflowId: string; targetId: string } | undefined;

beforeAll(async () => {
  dataDir = scratchDataDir('prod-topology');
  ports = await freeProdPorts();
  const started = Date.now();
  launcher = new Launcher('scripts/prod/main.ts', { ...ports, DATA_DIR: dataDir.path });
  await launcher.waitFor(/is up in/, 240_000);
  startupMs = Date.now() - started;
  api = `http://127.0.0.1:${ports.PORT}`;
  dbh = connectDb(embeddedUrl(Number(ports.PG_PORT)));
  // The engine requires a token: the test mints one as the operator would, with the topology's key.
  const key = await ensureEngineKey(join(dataDir.path, 'engine-auth'));
  const admin = await mintToken(key.privateJwk, 'admin', { days: 1, subject: 'topology-test' });
  connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}`, metadata: { authorization: `Bearer ${admin}` } });
  client = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  await connection?.close();
  await dbh?.close();
  launcher?.signal('SIGTERM');
  const stopped = await Promise.race([launcher?.exited, sleep(60_000).then(() => null)]);
  if (!stopped) launcher?.killGroup();
  dataDir?.remove();
});

const pids = () => readPids(dataDir.path);
const apiPort = (i: number) => Number(ports.PORT) + i;

describe('npm run start:prod', () => {
  it('is up with the engine on 4 history shards, the namespace and its search attributes, the UI, and both API instances behind one address', async () => {
    console.log(`[prod] topology up in ${(startupMs / 1000).toFixed(1)} s`);
    const cluster = await connection.workflowService.getClusterInfo({});
    expect(cluster.historyShardCount).toBeGreaterThanOrEqual(4);
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(attributes.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)));
    expect((await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);

    // Round robin: four requests, two from each instance.
    const servedBy: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await fetch(`${api}/health`);
      expect(res.status).toBe(200);
      servedBy.push(res.headers.get('x-served-by')!);
    }
    expect(servedBy.sort()).toEqual([1, 1, 2, 2].map((i) => `127.0.0.1:${apiPort(i)}`));
    expect(Object.keys(pids()).sort()).toEqual(['api-1', 'api-2', 'proxy', 'temporal-jwks', 'temporal-server', 'temporal-ui', 'temporal-ui-proxy', 'worker-1', 'worker-2']);
  });

  it('made the first ADMIN key: in a file only its owner reads, working through the proxy, printed nowhere', async () => {
    const file = join(dataDir.path, 'admin-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8').trim();
    const me = await fetch(`${api}/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { roles: string[] }).roles).toEqual(['ADMIN']);
    expect(launcher.output).not.toContain(key);
  });

  it(`loses no accepted case when a worker and an API instance are killed with SIGKILL under a load of ${CASES} cases`, async () => {
    const before = pids();
    const servedBy = new Map<string, number>();
    let badGateway = 0;
    const viaProxy: Transport = async (req) => {
      const res = await fetch(`${api}${req.url}`, {
        method: req.method,
        headers: { ...req.headers, ...(req.payload ? { 'content-type': 'application/json' } : {}) },
        body: req.payload ? JSON.stringify(req.payload) : undefined,
        signal: AbortSignal.timeout(120_000),
      });
      const by = res.headers.get('x-served-by');
      if (by) servedBy.set(by, (servedBy.get(by) ?? 0) + 1);
      if (res.status === 502) badGateway += 1;
      return { status: res.status, body: await res.text() };
    };
    const load = await CaseLoad.create(viaProxy, dbh, 'prod');
    const driving = load.run(CASES, SPREAD_MS, 240_000);
    driving.catch(() => {}); // awaited below

    // A few seconds in, while requests are in flight: worker-1 and api-1 die at once.
    await sleep(3000);
    await until(() => load.inFlight > 0, 10_000);
    const inFlightAtKill = load.inFlight;
    process.kill(before['worker-1'].pid, 'SIGKILL');
    process.kill(before['api-1'].pid, 'SIGKILL');
    await driving;
    await load.stop();

    expect(inFlightAtKill).toBeGreaterThan(0);
    // Both instances answered cases; the proxy kept one address through the kill.
    expect([...servedBy.keys()].sort()).toEqual([`127.0.0.1:${apiPort(1)}`, `127.0.0.1:${apiPort(2)}`]);
    // Every case the API accepted is in PostgreSQL, once, and its workflow exists.
    const accepted = load.cases.map((c) => c.caseId);
    const first = load.cases[0];
    aCase = { caseId: first.caseId!, workflowId: first.workflowId!, targetId: first.workflowId!.replace(/^target-/, '') };
    expect(accepted.every(Boolean), load.progress()).toBe(true);
    await eventually(async () => {
      const rows = await dbh.db.select({ id: cases.id }).from(cases);
      expect(rows.map((r) => r.id).sort()).toEqual([...accepted].sort());
    }, 120_000, 500);
    const identities = new Set<string>();
    for (const c of load.cases) {
      const handle = client.workflow.getHandle(c.workflowId!);
      expect((await handle.describe()).workflowId).toBe(c.workflowId);
      for (const event of (await handle.fetchHistory()).events ?? []) {
        const identity = event.workflowTaskStartedEventAttributes?.identity ?? event.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity.split('@')[0]);
      }
    }
    // Both workers carried cases (worker-1 before its kill or after its restart), and the
    // launcher started the killed ones again.
    const after = pids();
    expect(after['worker-1'].pid).not.toBe(before['worker-1'].pid);
    expect(after['api-1'].pid).not.toBe(before['api-1'].pid);
    expect([after['worker-1'].pid, after['api-1'].pid, after['worker-2'].pid, after['api-2'].pid].every(isAlive)).toBe(true);
    expect(identities.has(String(before['worker-2'].pid))).toBe(true);
    expect(identities.has(String(before['worker-1'].pid)) || identities.has(String(after['worker-1'].pid))).toBe(true);
    expect(launcher.output).toMatch(/worker-1 exited \(SIGKILL\); starting it again/);
    expect(launcher.output).toMatch(/api-1 exited \(SIGKILL\); starting it again/);
    console.log(`[prod] ${CASES} cases, ${inFlightAtKill} requests in flight at the kill, ${badGateway} answered 502 and retried, ` +
      `${load.retried} retried in all; served by ${[...servedBy].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  });

  it('the engine is no side door: no token, another key\'s token or the UI\'s read-only one cannot send an Update; the UI reads', async () => {
    const address = `127.0.0.1:${ports.TEMPORAL_PORT}`;
    const { caseId, workflowId, targetId } = aCase!;
    const lines = async () => (await dbh.sql`select count(*)::int as n from journal where target_id = ${targetId}`)[0].n as number;
    const before = await lines();
    const other = await ensureEngineKey(join(dataDir.path, 'another-operator'));
    const own = await ensureEngineKey(join(dataDir.path, 'engine-auth'));
    const tokens: [string, Record<string, string>][] = [
      ['no token', {}],
      ['a token of another key', { authorization: `Bearer ${await mintToken(other.privateJwk, 'admin')}` }],
      ['the UI\'s read-only token', { authorization: `Bearer ${await mintToken(own.privateJwk, 'ui')}` }],
    ];
    /** The gRPC status of a refusal, whether the SDK throws it at connect (a token of an unknown key) or wraps it ("Workflow Update failed"). */
    const statusOf = (err: { code?: number; cause?: { code?: number } } | null) => err?.code ?? err?.cause?.code;
    for (const [what, metadata] of tokens) {
      const tryIt = async (call: (side: Connection) => Promise<unknown>) => {
        const side = await Connection.connect({ address, metadata });
        try {
          await call(side);
          return null;
        } finally {
          await side.close();
        }
      };
      const update = await tryIt((side) => new Client({ connection: side, namespace: 'default' }).workflow.getHandle(workflowId)
        .executeUpdate('receiveCase', { args: [{ caseId, actor: 'side-door', at: new Date().toISOString() }], updateId: `side-door/${what}` }))
        .catch((err) => err);
      expect(statusOf(update), `${what}: ${update}`).toBe(7); // PERMISSION_DENIED
      if (what !== 'the UI\'s read-only token') {
        const list = await tryIt((side) => side.workflowService.listWorkflowExecutions({ namespace: 'default' })).catch((err) => err);
        expect(statusOf(list), `${what}: ${list}`).toBe(7);
      }
    }
    expect(await lines()).toBe(before);
    // The UI reads through its proxy (the read-only token added); the UI server alone is refused by the engine.
    const viaProxy = await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/api/v1/namespaces`);
    expect(viaProxy.status).toBe(200);
    expect(JSON.stringify(await viaProxy.json())).toContain('"default"');
    const direct = await fetch(`http://127.0.0.1:${Number(ports.TEMPORAL_UI_PORT) + 1}/api/v1/namespaces`);
    expect(direct.status).not.toBe(200);
  });

  it('stops every process of the topology on SIGTERM', async () => {
    const running = pids();
    await connection.close();
    await dbh.close();
    launcher.signal('SIGTERM');
    const { code } = await launcher.exited;
    expect(code).toBe(0);
    await eventually(async () => {
      expect(Object.entries(running).filter(([, p]) => isAlive(p.pid)).map(([name]) => name)).toEqual([]);
    }, 10_000, 200);
    // The embedded PostgreSQL too: its port is free again.
    const pg = await fetch(`http://127.0.0.1:${ports.PG_PORT}/`).then(() => 'answers', (err) => String(err.cause?.code));
    expect(pg).toBe('ECONNREFUSED');
  });
});
