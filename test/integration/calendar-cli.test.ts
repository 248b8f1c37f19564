// R16 `npm run calendar:load -- <file>` as a user runs it: a real child process against the
// test database; its load is journaled as made on the command line, and bad files are refused
// naming the field. Temporal is pointed at a closed port: the load still lands, and says so.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { calendarDays, calendarLoads, calendarYears } from '../../db/schema';
import { freePort } from '../support/ports';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const YEAR = 2036; // used by no other suite
let dbh: DbHandle;
let dir: string;

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'), { max: 1 });
  dir = mkdtempSync(join(tmpdir(), 'jd-calendar-'));
  await dbh.db.delete(calendarDays).where(eq(calendarDays.year, YEAR));
  await dbh.db.delete(calendarYears).where(eq(calendarYears.year, YEAR));
});
afterAll(() => dbh?.close());

async function load(file: object) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(file));
  const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
  return run(process.execPath, ['--import', 'tsx', 'scripts/calendar-load.ts', path, '--by', '王管理员'], { cwd: root, env })
    .then((r) => ({ code: 0, ...r }), (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }));
}

describe('npm run calendar:load', () => {
  it('R16: loads a year from a file and journals who loaded it, how, and which days changed', async () => {
    const result = await load({
      year: YEAR,
      notice: { title: `国务院办公厅关于${YEAR}年部分节假日安排的通知` },
      holidays: [{ date: `${YEAR}-01-01`, name: '元旦' }],
      makeupWorkdays: [],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`loaded ${YEAR}: 1 days added`);
    expect(result.stderr).toMatch(/did not answer: running targets will be told when the API next starts/);
    const days = await dbh.db.select().from(calendarDays).where(eq(calendarDays.year, YEAR));
    expect(days).toEqual([{ date: `${YEAR}-01-01`, year: YEAR, kind: 'holiday', name: '元旦' }]);
    const [journal] = await dbh.db.select().from(calendarLoads).where(eq(calendarLoads.year, YEAR)).orderBy(desc(calendarLoads.id)).limit(1);
    expect(journal).toMatchObject({ via: 'cli', loadedBy: '王管理员', changes: { added: [{ date: `${YEAR}-01-01` }] } });
  });

  it('R16: refuses a file whose day is both off and worked, naming the field, and changes nothing', async () => {
    const result = await load({
      year: YEAR,
      notice: { title: 'x' },
      holidays: [{ date: `${YEAR}-02-02`, name: '春节' }],
      makeupWorkdays: [{ date: `${YEAR}-02-02`, name: '春节调休上班' }],
    });
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('makeupWorkdays.0.date');
    const days = await dbh.db.select().from(calendarDays).where(eq(calendarDays.date, `${YEAR}-02-02`));
    expect(days).toEqual([]);
  });
});
