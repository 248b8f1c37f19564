// The one-shot setup of the production topology (scripts/prod/setup.ts): docker-compose.yml's
// preflight refuses placeholder secrets before anything starts, and the bootstrap makes exactly
// one first ADMIN, whose key goes to an owner-only file and nowhere else (R1).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env';
import { agencyByKey } from '../../db/agencies';
import type { DbHandle } from '../../db/client';
import { ensureFirstAdmin, secretProblems } from '../../scripts/prod/setup';
import { scratchDatabase } from '../faults/harness';
import { scratchDataDir } from './launcher';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'f'.repeat(8) + '0123456789abcdef'.repeat(3) + '01234567';
const URL_OK = 'postgres://discipline:3b0c9e1f7a2d4c6e8f1a3b5c@postgresql:5432/discipline';

describe('preflight: placeholder secrets are refused', () => {
  it('passes a key of 64 hex characters and a 24-character database password', () => {
    expect(secretProblems({ TARGET_ID_KEY: KEY, DATABASE_URL: URL_OK, TEMPORAL_DB_PASSWORD: '3b0c9e1f7a2d4c6e8f1a3b5c' }, { embeddedDb: false })).toEqual([]);
  });

  it.each([
    ['the old compose default', { TARGET_ID_KEY: 'change-me-before-first-use' }, /TARGET_ID_KEY is a placeholder/],
    ['a short key', { TARGET_ID_KEY: 'k3y-of-my-own' }, /TARGET_ID_KEY is 13 characters long; use at least 32/],
    ['no key', { TARGET_ID_KEY: undefined }, /TARGET_ID_KEY is not set/],
    ['the old compose database password', { DATABASE_URL: 'postgres://discipline:discipline@postgresql:5432/discipline' }, /password in DATABASE_URL is a placeholder/],
    ['a password a URL cannot carry as written', { TEMPORAL_DB_PASSWORD: 'p@ss/word#with-symbols' }, /TEMPORAL_DB_PASSWORD differs from the password in DATABASE_URL/],
    ["Temporal's databases elsewhere with a placeholder password", { TEMPORAL_DB_HOST: 'temporal-db', TEMPORAL_DB_PASSWORD: 'temporal' }, /TEMPORAL_DB_PASSWORD is a placeholder/],
    ["the app role's password a placeholder", { APP_DATABASE_PASSWORD: 'discipline' }, /APP_DATABASE_PASSWORD is a placeholder/],
    ["the app role's password the owner's", { APP_DATABASE_PASSWORD: '3b0c9e1f7a2d4c6e8f1a3b5c' }, /APP_DATABASE_PASSWORD is the owner's password/],
    ["the app role's password not URL-safe", { APP_DATABASE_PASSWORD: 'p@ss/word#with-symbols' }, /APP_DATABASE_PASSWORD must use URL-safe characters/],
  ])('%s', (_, change, message) => {
    const problems = secretProblems({ TARGET_ID_KEY: KEY, DATABASE_URL: URL_OK, ...change }, { embeddedDb: false });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it("does not judge the embedded database's password (start:prod's, loopback only)", () => {
    expect(secretProblems({ TARGET_ID_KEY: KEY, DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:54320/discipline' }, { embeddedDb: true })).toEqual([]);
  });

  it('the API and the worker refuse a placeholder TARGET_ID_KEY too (config/env.ts)', () => {
    expect(() => loadConfig({ TARGET_ID_KEY: 'change-me-before-first-use' })).toThrow(ConfigError);
    expect(() => loadConfig({ TARGET_ID_KEY: 'change-me-before-first-use' })).toThrow(/^TARGET_ID_KEY: is a placeholder/);
    expect(loadConfig({ TARGET_ID_KEY: KEY }).targetIdKey).toBe(KEY);
  });

  it('the preflight program exits 78 naming every bad setting', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/prod/setup.ts', 'preflight'], {
      cwd: ROOT, encoding: 'utf8',
      env: { PATH: process.env.PATH, TARGET_ID_KEY: 'change-me-before-first-use', DATABASE_URL: 'postgres://discipline:discipline@postgresql:5432/discipline' },
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/refusing to start: 2 setting\(s\)/);
    expect(r.stderr).toMatch(/TARGET_ID_KEY is a placeholder/);
    expect(r.stderr).toMatch(/password in DATABASE_URL is a placeholder/);
  }, 30_000);
});

describe('bootstrap: the first ADMIN', () => {
  let db: { url: string; dbh: DbHandle };
  let dir: ReturnType<typeof scratchDataDir>;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeAll(async () => {
    db = await scratchDatabase(inject('databaseUrl'));
    dir = scratchDataDir('first-admin');
  });

  afterAll(async () => {
    await db?.dbh.close();
    dir?.remove();
  });

  it('R1: is refused a stale key file and then issues nothing', async () => {
    const stale = join(dir.path, 'stale-key');
    writeFileSync(stale, 'old\n');
    await expect(ensureFirstAdmin(db.url, stale, log)).rejects.toThrow(/cannot create .*stale-key.*EEXIST/);
    expect(readFileSync(stale, 'utf8')).toBe('old\n');
    const admins = await db.dbh.sql`select id from agencies where 'ADMIN' = any(roles)`;
    expect(admins).toHaveLength(0);
  });

  it('R1: is made once, its working key in a file only its owner reads, and found by a second run', async () => {
    const file = join(dir.path, 'operator', 'admin-key');
    expect(await ensureFirstAdmin(db.url, file, log)).toBe('created');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8').trim();
    expect((await agencyByKey(db.dbh.db, key))?.roles).toEqual(['ADMIN']);
    expect(lines.join('\n')).not.toContain(key);

    expect(await ensureFirstAdmin(db.url, join(dir.path, 'second-key'), log)).toBe('exists');
    expect(existsSync(join(dir.path, 'second-key'))).toBe(false);
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
  });
});
