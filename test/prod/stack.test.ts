// `npm start` (scripts/stack.ts) as a newcomer runs it, in a DATA_DIR of its own: the demo keys
// go to the demo file only, never to the stack's log (the ADMIN's included), and the worker and
// the API connect to PostgreSQL as the app's role, which can only append to the journal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoAgency } from '../../db/agencies';
import { embeddedUrl } from '../../db/embedded';
import { APP_ROLE } from '../../db/roles';
import { freePort } from '../support/ports';
import { Launcher, scratchDataDir } from './launcher';

let dataDir: ReturnType<typeof scratchDataDir>;
let launcher: Launcher;
const ports: Record<string, string> = {};

beforeAll(async () => {
  dataDir = scratchDataDir('stack');
  for (const name of ['PORT', 'PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT']) ports[name] = String(await freePort());
  launcher = new Launcher('scripts/stack.ts', { ...ports, DATA_DIR: dataDir.path });
  await launcher.waitFor(/Press Ctrl-C to stop everything/, 150_000);
}, 180_000);

afterAll(async () => {
  launcher?.signal('SIGTERM');
  const stopped = await Promise.race([launcher?.exited, new Promise((r) => setTimeout(r, 30_000)).then(() => null)]);
  if (!stopped) launcher?.killGroup();
  dataDir?.remove();
});

describe('npm start', () => {
  it('writes every demo key to the demo file only: the log names the agencies and the file, no key', async () => {
    const demo = JSON.parse(readFileSync(join(dataDir.path, 'demo-agencies.json'), 'utf8')) as DemoAgency[];
    expect(demo.map((a) => a.roles).flat()).toEqual(expect.arrayContaining(['ADMIN', 'SUPERVISOR', 'ENFORCEMENT']));
    for (const a of demo) {
      expect(launcher.output).not.toContain(a.apiKey);
      expect(launcher.output).not.toContain(a.apiKey.slice(16));
      expect(launcher.output).toContain(a.id);
    }
    expect(launcher.output).toContain(join(dataDir.path, 'demo-agencies.json'));
    const admin = demo.find((a) => a.roles.includes('ADMIN'))!;
    const me = await fetch(`http://127.0.0.1:${ports.PORT}/me`, { headers: { authorization: `Bearer ${admin.apiKey}` } });
    expect(me.status).toBe(200);
  });

  it('runs the worker and the API as the app role, never as the owner', async () => {
    const sql = postgres(embeddedUrl(Number(ports.PG_PORT)), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ usename: string }[]>`select distinct usename from pg_stat_activity where application_name = 'joint-discipline'`;
      expect(rows.map((r) => r.usename)).toEqual([APP_ROLE]);
    } finally {
      await sql.end();
    }
  });
});
