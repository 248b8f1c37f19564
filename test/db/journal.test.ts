// The audit journal is append-only in the database itself: whatever the client, PostgreSQL
// refuses to rewrite or remove what happened to a target (R14: inspection relies on it).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { journal } from '../../db/schema';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'), { owner: true });
  await dbh.db.insert(journal).values({ eventKey: 'append-only/1', targetId: 'Eappend', kind: 'case_pushed', rule: 'R2', at: new Date() });
});

afterAll(async () => {
  await dbh?.close();
});

describe('the journal is append-only', () => {
  it('R14: UPDATE is refused by the database', async () => {
    await expect(dbh.sql`update journal set kind = 'forged' where event_key = 'append-only/1'`).rejects.toThrow(/journal is append-only: UPDATE refused/);
  });

  it('R14: DELETE and TRUNCATE are refused by the database', async () => {
    await expect(dbh.sql`delete from journal where event_key = 'append-only/1'`).rejects.toThrow(/DELETE refused/);
    await expect(dbh.sql`truncate journal`).rejects.toThrow(/TRUNCATE refused/);
    const [line] = await dbh.db.select().from(journal).where(eq(journal.eventKey, 'append-only/1'));
    expect(line.kind).toBe('case_pushed');
  });

  it('R14: appending goes on, and a repeated line is still a no-op', async () => {
    const line = { eventKey: 'append-only/2', targetId: 'Eappend', kind: 'case_received', rule: 'R5', at: new Date() };
    await dbh.db.insert(journal).values(line).onConflictDoNothing();
    await dbh.db.insert(journal).values(line).onConflictDoNothing();
    expect(await dbh.db.select().from(journal).where(eq(journal.targetId, 'Eappend'))).toHaveLength(2);
  });
});
