// R1 the two lists as shipped and served: at least 30 measures across both lists, each traceable
// to the policy text it comes from, filterable over HTTP; R3 matching proposals for CREDIT.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { shippedCatalog } from '../../db/measures';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let credit: { headers: Record<string, string> };

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'measures' }));
  credit = await agencyWithKey(dbh.db, ['CREDIT']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const seedsDir = new URL('../../../shared/seeds/', import.meta.url);

describe('R1 the shipped catalog', () => {
  const catalog = shippedCatalog();

  it('R1: holds at least 30 measures across both lists and all three categories, with unique codes and names', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(30);
    expect(new Set(catalog.map((m) => m.list))).toEqual(new Set(['discipline', 'enhanced_supervision']));
    expect(new Set(catalog.map((m) => m.category))).toEqual(new Set(['R6', 'R7', 'R8']));
    expect(new Set(catalog.map((m) => m.code)).size).toBe(catalog.length);
    expect(new Set(catalog.map((m) => m.nameZh)).size).toBe(catalog.length);
    for (const m of catalog) {
      expect(m.code, m.code).toMatch(/^(DM|ES)-R[678]-[A-Z0-9]+(-[A-Z0-9]+)*$/);
      expect(m.code.startsWith(m.list === 'discipline' ? 'DM-' : 'ES-'), m.code).toBe(true);
      expect(m.code.slice(3, 5), m.code).toBe(m.category);
      if (m.period.rule === 'fixed') expect(m.period.length, m.code).toBeDefined();
    }
  });

  it.runIf(existsSync(seedsDir))('R1: every measure quotes the sentence of the policy text it comes from, word for word', () => {
    const seeds = Object.fromEntries(readdirSync(seedsDir).map((f) => [f.slice(0, 3), readFileSync(new URL(f, seedsDir), 'utf8')]));
    const untraced = catalog.filter((m) => {
      const quote = /「(.+)」/.exec(m.source?.where ?? '')?.[1];
      return !quote || !seeds[m.source!.seed]?.includes(quote);
    }).map((m) => m.code);
    expect(untraced).toEqual([]);
  });

  it('R1: a basis the sources do not give is null, never invented: shown as "basis to be confirmed"', () => {
    expect(catalog.some((m) => m.legalBasis === null)).toBe(true);
    for (const m of catalog.filter((x) => x.legalBasis)) expect(m.legalBasis!.document, m.code).toMatch(/《.+》/);
  });
});

describe('GET /measures', () => {
  it('R1: lists every measure in effect, publicly, with the contract fields', async () => {
    const res = await app.inject({ method: 'GET', url: '/measures?limit=200' });
    expect(res.statusCode).toBe(200);
    const { items, total } = res.json();
    expect(total).toBeGreaterThanOrEqual(30);
    expect(items).toHaveLength(total);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['code', 'list', 'category', 'name', 'legalBasis', 'targetKinds', 'status']));
    }
    const unconfirmed = items.find((i: { legalBasis: { status: string } }) => i.legalBasis.status === 'basis to be confirmed');
    expect(unconfirmed.legalBasis).toEqual({ document: null, article: null, status: 'basis to be confirmed' });
  });

  it('filters by list, category, target kind and text, and pages', async () => {
    const get = async (q: string) => (await app.inject({ method: 'GET', url: `/measures?${q}` })).json();
    const es = await get('list=enhanced_supervision&limit=200');
    expect(es.total).toBeGreaterThan(0);
    expect(es.items.every((i: { list: string }) => i.list === 'enhanced_supervision')).toBe(true);
    const r6persons = await get('category=R6&targetKind=person&limit=200');
    expect(r6persons.items.every((i: { category: string; targetKinds: string[] }) => i.category === 'R6' && i.targetKinds.includes('person'))).toBe(true);
    const text = await get('q=简易注销');
    expect(text.items.map((i: { code: string }) => i.code)).toEqual(['DM-R6-NO-SIMPLE-DEREG']);
    const page = await get('limit=5&offset=5');
    expect(page.items).toHaveLength(5);
    const bad = await app.inject({ method: 'GET', url: '/measures?targetKind=robot' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'targetKind' });
  });

  it('GET /measures/:code answers the measure with its versions, or 404 naming the code', async () => {
    const res = await app.inject({ method: 'GET', url: '/measures/DM-R6-NO-SIMPLE-DEREG' });
    expect(res.json()).toMatchObject({ code: 'DM-R6-NO-SIMPLE-DEREG', name: '不适用于简易注销', status: 'active', versions: [{ version: 1 }] });
    const missing = await app.inject({ method: 'GET', url: '/measures/DM-R6-NOPE' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ field: 'code' });
  });
});

describe('R3 matching', () => {
  it('R3: proposes the measures of the rules for a kind of document and field, applicable to the target kind', async () => {
    const res = await app.inject({ method: 'GET', url: '/matching/proposals?documentKind=department_penalty&field=work_safety&targetKind=person', headers: credit.headers });
    expect(res.statusCode).toBe(200);
    const codes = res.json().items.map((i: { code: string }) => i.code);
    expect(codes).toContain('DM-R6-OFFICE-SAFETY-PRINCIPAL-5Y'); // the field's own rule
    expect(codes).toContain('DM-R8-PUBLICITY-ADVERSE'); // the document kind's general rule
    expect(codes).not.toContain('DM-R6-NO-SIMPLE-DEREG'); // enterprises only
  });

  it('R3: an unknown kind of document is refused naming the field', async () => {
    const res = await app.inject({ method: 'GET', url: '/matching/proposals?documentKind=rumour&targetKind=enterprise', headers: credit.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'documentKind' });
  });
});
