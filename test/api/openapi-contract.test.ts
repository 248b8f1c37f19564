// Issue 16: the OpenAPI document is a contract. Every operation has an operationId, a typed
// success body, the shared Error schema for its refusals, `security: []` exactly when it takes no
// key, no path parameter that is not in its path; a typed client generated from it
// (openapi-typescript, openapi-fetch) compiles a call to every operation and reads its answer.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { appWithoutEngine } from '../support/apps';
import { compileClient, jsonSuccessBodies, operationsOf, resolve, sharedProperty } from '../support/openapi-client';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let doc: Json;

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'openapi-contract', engineDeadlineMs: 300 }));
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

describe('the OpenAPI document', () => {
  it('names every operation once, in camelCase', () => {
    const ids = operationsOf(doc).map(({ op, method, path }) => op.operationId ?? `${method} ${path} has none`);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id))).toEqual([]);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.length).toBeGreaterThan(80);
  });

  it('documents a typed success body for every operation (or a 204 without one)', () => {
    const untyped = operationsOf(doc).flatMap(({ method, path, op }) => {
      const ok = Object.entries(op.responses as Json).filter(([code]) => code.startsWith('2'));
      if (ok.length === 0) return [`${method} ${path}: no success answer`];
      return ok.flatMap(([code, r]) => {
        if (code === '204') return r.content ? [`${method} ${path} 204 has a body`] : [];
        const types = Object.values((r.content ?? {}) as Json).map((m) => resolve(doc, m.schema));
        if (types.length === 0) return [`${method} ${path} ${code}: no body`];
        return types.some((s) => !s || (s.type === 'object' && !s.properties)) ? [`${method} ${path} ${code}: untyped body`] : [];
      });
    });
    expect(untyped).toEqual([]);
  });

  it('refuses with the one shared Error schema, and documents the refusals its shape can answer', () => {
    const wrong = operationsOf(doc).flatMap(({ method, path, op }) => {
      const codes = Object.keys(op.responses);
      const missing = [
        ...(op.parameters?.length || op.requestBody ? ['400'] : []),
        ...(path.includes('{') ? ['404'] : []),
        ...(op.security?.length ? ['401', '403', '429'] : []),
      ].filter((c) => !codes.includes(c));
      const notShared = codes.filter((c) => /^[45]/.test(c) && op.responses[c].content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error'
        && !(path.startsWith('/health') && c === '503'));
      return [...missing.map((c) => `${method} ${path}: no ${c}`), ...notShared.map((c) => `${method} ${path} ${c}: not the Error schema`)];
    });
    expect(wrong).toEqual([]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'Step', 'ActionAnswer', 'Agency', 'Measure', 'TargetDetail', 'History']));
  });

  it('lists path parameters exactly as the path has them', () => {
    const wrong = operationsOf(doc).flatMap(({ method, path, op }) => {
      const declared = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => p.name as string).sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      return JSON.stringify(declared) === JSON.stringify(inPath) ? [] : [`${method} ${path}: ${declared.join(',')} declared`];
    });
    expect(wrong).toEqual([]);
  });

  it('says `security: []` exactly on the operations that answer without a key', async () => {
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    const wrong: string[] = [];
    for (const { method, path, op } of operationsOf(doc)) {
      const url = path.replace(/\{\w+\}/g, 'x');
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url, ...(method === 'get' ? {} : { payload: {} }) });
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (isPublic === (res.statusCode === 401)) wrong.push(`${method} ${path}: security ${JSON.stringify(op.security)}, answered ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
    const publicOnes = operationsOf(doc).filter(({ op }) => op.security?.length === 0).map(({ path }) => path);
    expect(publicOnes).toEqual(expect.arrayContaining(['/health', '/public/credit', '/measures', '/vocabulary']));
  });

  it('gives a typed client that calls every operation and reads a declared property of each success body', async () => {
    const unread = operationsOf(doc).filter(({ op }) => jsonSuccessBodies(doc, op).some(([c]) => c !== '204') && !sharedProperty(doc, op));
    expect(unread.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    expect(await compileClient(doc)).toEqual([]);
  }, 120_000);

  it('a client of a document whose answer is untyped does not compile (the check above can fail)', async () => {
    const broken = structuredClone(doc);
    broken.paths['/targets/{targetId}'].get.responses['200'] = { description: 'untyped', content: { 'application/json': { schema: { type: 'object' } } } };
    broken.components.schemas.History.properties = { other: { type: 'string' } };
    const errors = (await compileClient(broken, doc)).join('\n');
    expect(errors).toMatch(/Property 'targetId' comes from an index signature/);
    expect(errors).toMatch(/Property 'targetId' does not exist/);
  }, 120_000);
});
