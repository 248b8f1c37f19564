// The signing-secret migration (issue 16): signing secrets chosen before Standard Webhooks are rewritten as
// whsec_ + base64 of their UTF-8 bytes, which is the same HMAC key, so an agency keeps its
// secret, and are flagged so that the outbox also sends the old headers. Run on a database
// migrated to just before the change, holding the kinds of rows production holds.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac, randomUUID } from 'node:crypto';
import { asc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { migrationsFolder, runMigrations } from '../../db/migrate';
import { agencies } from '../../db/schema';
import { legacySignature } from '../../worker/outbox';

const LONG = '一个很长的旧签名密钥-'.repeat(6);
let url: string;
let dbh: DbHandle;
let before: string;

beforeAll(async () => {
  const name = `jd_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new URL(inject('databaseUrl'));
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`).finally(() => sql.end());
  const target = new URL(inject('databaseUrl'));
  target.pathname = `/${name}`;
  url = target.toString();
  // The migrations as they stood before issue 16.
  before = mkdtempSync(join(tmpdir(), 'jd-migrations-'));
  cpSync(migrationsFolder, before, { recursive: true });
  const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8'));
  // Whatever their numbers after a merge: those before the first that knows notify_legacy_signature.
  const first = journal.entries.findIndex((e: { tag: string }) =>
    readFileSync(join(before, `${e.tag}.sql`), 'utf8').includes('notify_legacy_signature'));
  expect(first).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, first);
  writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify(journal));
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder: before });
    await client`insert into agencies (id, name, roles, notify_url, notify_secret) values
      ('chose', '旧机构', '{IMPLEMENTER}', 'https://hooks.example.com/a', 'a-signing-secret-of-length'),
      ('long', '长密钥机构', '{IMPLEMENTER}', 'https://hooks.example.com/b', ${LONG}),
      ('empty', '空密钥机构', '{IMPLEMENTER}', 'https://hooks.example.com/c', ''),
      ('none', '无回调机构', '{CREDIT}', null, null)`;
  } finally {
    await client.end();
  }
  await runMigrations(url);
  dbh = connectDb(url);
});

afterAll(async () => {
  await dbh?.close();
  if (before) rmSync(before, { recursive: true, force: true });
});

describe('the signing-secret migration: signing secrets in the Standard Webhooks format', () => {
  it('keeps each key (whsec_ + base64 of the old secret), flags it for the old headers, and clears an empty one', async () => {
    const rows = await dbh.db.select().from(agencies).orderBy(asc(agencies.id));
    const of = (id: string) => rows.find((r) => r.id === id)!;
    expect(of('chose')).toMatchObject({ notifySecret: `whsec_${Buffer.from('a-signing-secret-of-length').toString('base64')}`, notifyLegacySignature: true });
    // Longer than one line of PostgreSQL's base64 (76 characters): no line break may survive.
    expect(Buffer.from(LONG).toString('base64').length).toBeGreaterThan(76);
    expect(of('long')).toMatchObject({ notifySecret: `whsec_${Buffer.from(LONG).toString('base64')}`, notifyLegacySignature: true });
    expect(of('empty')).toMatchObject({ notifySecret: null, notifyLegacySignature: false });
    expect(of('none')).toMatchObject({ notifySecret: null, notifyLegacySignature: false });

    // The old signature, as the agency's code computes it with the secret it holds, is what the
    // outbox computes from the migrated secret; and the standard verifier accepts the new one.
    const body = '{"id":1}';
    for (const [id, old] of [['chose', 'a-signing-secret-of-length'], ['long', LONG]] as const) {
      const secret = of(id).notifySecret!;
      expect(legacySignature(secret, 'T', body)).toBe(`sha256=${createHmac('sha256', old).update(`T.${body}`).digest('hex')}`);
      const wh = new Webhook(secret);
      const now = new Date();
      expect(wh.verify(body, { 'webhook-id': 'notice_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': wh.sign('notice_1', now, body) }))
        .toEqual({ id: 1 });
    }
  });
});
