// Compiles a typed client of the served OpenAPI document: openapi-typescript generates the types,
// and one generated file calls every operation with openapi-fetch and reads a declared property
// of each success body. An operation whose body is missing or untyped does not compile.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface Operation { method: string; path: string; op: Json }

export function operationsOf(doc: Json): Operation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] as Json })));
}

/** The schema with its local $ref followed. */
export function resolve(doc: Json, schema: Json | undefined): Json | undefined {
  if (schema?.$ref) return resolve(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!]);
  return schema;
}

/** The JSON success bodies of an operation, by status. */
export function jsonSuccessBodies(doc: Json, op: Json): [string, Json | undefined][] {
  return Object.entries(op.responses as Json).filter(([code]) => /^2\d\d$/.test(code))
    .map(([code, r]) => [code, resolve(doc, r.content?.['application/json']?.schema)]);
}

/** A property every JSON success body of the operation declares, or null. */
export function sharedProperty(doc: Json, op: Json): string | null {
  const bodies = jsonSuccessBodies(doc, op).filter(([code]) => code !== '204');
  if (bodies.length === 0 || bodies.some(([, s]) => !s?.properties)) return null;
  const [first, ...rest] = bodies.map(([, s]) => Object.keys(s!.properties));
  return first.find((p) => rest.every((keys) => keys.includes(p))) ?? null;
}

function callOf(doc: Json, { method, path, op }: Operation): string {
  const id = op.operationId as string;
  const o = `operations['${id}']`;
  const media = op.requestBody ? Object.keys(op.requestBody.content)[0] : null;
  const body = media ? `, body: {} as NonNullable<${o}['requestBody']>['content']['${media}']` : '';
  const call = `  await c.${method.toUpperCase()}('${path}', { params: {} as ${o}['parameters']${body} });`;
  const prop = sharedProperty(doc, op);
  const reads = jsonSuccessBodies(doc, op).filter(([code]) => code !== '204')
    .map(([code]) => `  read(({} as ${o}['responses'][${code}]['content']['application/json']).${prop ?? 'NO_DECLARED_PROPERTY'});`);
  return `export async function ${id}(c: Client<paths>): Promise<void> {\n${call}\n${reads.join('\n')}\n}\n`;
}

/**
 * Generates the types from `doc` and the calls from `callsFrom` (the same document unless a test
 * breaks the types on purpose); answers the compiler's errors ([] when it compiles). A body typed
 * only by an index signature (an untyped object) does not let a property be read with a dot.
 */
export async function compileClient(doc: Json, callsFrom: Json = doc): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jd-openapi-client-'));
  try {
    writeFileSync(join(dir, 'schema.d.ts'), astToString(await openapiTS(doc as never)));
    const calls = operationsOf(callsFrom).map((o) => callOf(callsFrom, o)).join('\n');
    writeFileSync(join(dir, 'calls.ts'), [
      "import type { Client } from 'openapi-fetch';",
      "import type { operations, paths } from './schema';",
      'declare function read(value: unknown): void;',
      calls,
    ].join('\n'));
    const require = createRequire(import.meta.url);
    const fetchTypes = join(dirname(require.resolve('openapi-fetch/package.json')), 'dist', 'index.d.mts');
    const program = ts.createProgram([join(dir, 'calls.ts')], {
      strict: true, noPropertyAccessFromIndexSignature: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, types: [], paths: { 'openapi-fetch': [fetchTypes] },
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
