// Least privilege (README, "Security"): the API and the worker connect as discipline_app, which
// appends to the journal and the audit trail and can do nothing else to them. Each way an insider
// rewrote the journal as a superuser (disabling its trigger in a transaction, then rolling back)
// is tried here as the app's role and refused by PostgreSQL itself.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { APP_ROLE, appendOnlyViolation } from '../../db/roles';
import { freshDatabase } from '../support/fresh-db';

let owner: DbHandle & { url: string; appUrl: string };
let app: postgres.Sql;

beforeAll(async () => {
  owner = await freshDatabase(inject('databaseUrl'), { owner: true });
  app = postgres(owner.appUrl, { max: 1, onnotice: () => {} });
  await owner.sql`insert into journal (event_key, target_id, kind, rule, at) values ('role/1', 'Erole', 'case_pushed', 'R2', now())`;
  await owner.sql`insert into audit_log (at, action, actor_agency_id) values (now(), 'agency.registered', 'ag-role')`;
});

afterAll(async () => {
  await app?.end();
  await owner?.close();
});

const denied = /permission denied|must be owner|must be superuser/;

describe.each(['journal', 'audit_log'])('the app role on %s', (table) => {
  it('R14: may append and read', async () => {
    const [{ current_user: me }] = await app`select current_user`;
    expect(me).toBe(APP_ROLE);
    if (table === 'journal') {
      await app`insert into journal (event_key, target_id, kind, rule, at) values ('role/2', 'Erole', 'case_received', 'R5', now())`;
    } else {
      await app`insert into audit_log (at, action, actor_agency_id) values (now(), 'key.revoked', 'ag-role')`;
    }
    const rows = await app.unsafe(`select count(*)::int as n from ${table}`);
    expect(rows[0].n).toBe(2);
  });

  it.each([
    ['UPDATE', `update ${table} set at = now()`],
    ['DELETE', `delete from ${table}`],
    ['TRUNCATE', `truncate ${table}`],
    ['ALTER … DISABLE TRIGGER (in a transaction, as the insider did)', `alter table ${table} disable trigger all`],
    ['DROP TRIGGER', `drop trigger ${table === 'journal' ? 'journal_no_update_delete' : 'audit_log_no_update_delete'} on ${table}`],
    ['ALTER … RENAME', `alter table ${table} rename to ${table}_old`],
    ['DROP TABLE', `drop table ${table}`],
  ])('R14: %s is refused by PostgreSQL', async (_what, statement) => {
    await expect(app.begin((tx) => tx.unsafe(statement))).rejects.toThrow(denied);
  });
});

describe('the app role otherwise', () => {
  it('cannot switch triggers off for its session (session_replication_role is a superuser setting)', async () => {
    await expect(app.unsafe('set session_replication_role = replica')).rejects.toThrow(/permission denied/);
  });

  it('cannot create objects of its own in the schema', async () => {
    await expect(app.unsafe('create table shadow_journal (id int)')).rejects.toThrow(/permission denied/);
    await expect(app.unsafe('create function noop() returns void language sql as $$ select $$')).rejects.toThrow(/permission denied/);
  });

  it('writes the loop\'s other tables as the activities do (insert, update, delete)', async () => {
    await app`insert into agencies (id, name, roles, region) values ('ag-role-w', '权限测试', ${['IMPLEMENTER']}, '330100')`;
    await app`update agencies set name = '权限测试（改）' where id = 'ag-role-w'`;
    const [row] = await app`select name from agencies where id = 'ag-role-w'`;
    expect(row.name).toBe('权限测试（改）');
    await app`delete from agencies where id = 'ag-role-w'`;
    expect(await app`select 1 from agencies where id = 'ag-role-w'`).toHaveLength(0);
  });

  it('is what the API and the worker accept; the owner (a superuser here) is refused', async () => {
    expect(await appendOnlyViolation(app)).toBeNull();
    expect(await appendOnlyViolation(owner.sql)).toMatch(/is a superuser/);
  });
});
