// `npm run build`: the JavaScript the image and `npm run start:prod` run, in dist/: the API, the
// worker, the migrations and the production scripts compiled by tsc (same layout as the sources,
// so the files they read beside themselves — migrations, holiday years, measure lists, the
// dashboard — are copied next to them), and the workflow bundle prebuilt, so that a worker
// loads it (WORKFLOW_BUNDLE) instead of running webpack at every start.
// Node's ESM loader needs the file extensions the sources leave out (they are resolved by tsx
// and bundlers): the emit adds them, `./x` → `./x.js`, `./dir` → `./dir/index.js`.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const WORKFLOW_BUNDLE = join(DIST, 'workflow-bundle.js');
/** The programs of the topology; tsc follows their imports. */
export const ENTRY_POINTS = ['api/server.ts', 'worker/main.ts', 'db/migrate.ts', 'scripts/prod/setup.ts', 'scripts/prod/proxy.ts', 'scripts/prod/engine-auth.ts'];
/** Directories whose non-TypeScript files are read at run time beside the code. */
const SOURCE_DIRS = ['activities', 'api', 'config', 'db', 'domain', 'policies', 'worker', 'workflows', 'scripts/prod'];
const STAMP = join(DIST, '.build-stamp');

function* filesUnder(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

/** A hash of every source and asset the build reads, and of the lock file: dist/ is stale when it differs. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const file of ['package-lock.json', 'tsconfig.json', 'scripts/build.ts']) h.update(readFileSync(join(ROOT, file)));
  for (const dir of SOURCE_DIRS) {
    for (const file of [...filesUnder(join(ROOT, dir))].sort()) h.update(relative(ROOT, file)).update(readFileSync(file));
  }
  return h.digest('hex');
}

export function isBuilt(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

function withExtension(fromFile: string, specifier: string): string {
  if (!specifier.startsWith('.') || /\.(m?js|json|node)$/.test(specifier)) return specifier;
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(`${target}.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.ts'))) return `${specifier}/index.js`;
  throw new Error(`${relative(ROOT, fromFile)}: cannot resolve "${specifier}"`);
}

/** Adds the extensions Node's ESM loader needs to relative import and export specifiers. */
const addExtensions: ts.TransformerFactory<ts.SourceFile> = (context) => (sourceFile) => {
  const f = context.factory;
  const fix = (node: ts.Expression | undefined) => (node && ts.isStringLiteral(node)
    ? f.createStringLiteral(withExtension(sourceFile.fileName, node.text)) : node);
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node)) {
      return f.updateImportDeclaration(node, node.modifiers, node.importClause, fix(node.moduleSpecifier)!, node.attributes);
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, fix(node.moduleSpecifier), node.attributes);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length === 1) {
      return f.updateCallExpression(node, node.expression, node.typeArguments, [fix(node.arguments[0])!]);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return ts.visitNode(sourceFile, visit) as ts.SourceFile;
};

function compile(): void {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const options: ts.CompilerOptions = {
    ...parsed.options, noEmit: false, outDir: DIST, rootDir: ROOT, sourceMap: true, declaration: false, noUnusedLocals: false,
  };
  const program = ts.createProgram(ENTRY_POINTS.map((f) => join(ROOT, f)), options);
  const result = program.emit(undefined, undefined, undefined, false, { after: [addExtensions] });
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics]
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
  }
}

function copyAssets(): void {
  for (const dir of SOURCE_DIRS) {
    for (const file of filesUnder(join(ROOT, dir))) {
      if (file.endsWith('.ts')) continue;
      cpSync(file, join(DIST, relative(ROOT, file)));
    }
  }
}

async function bundleWorkflows(): Promise<void> {
  const { bundleWorkflows } = await import('../worker/bundle');
  const { tracedBundle } = await import('../worker/telemetry');
  writeFileSync(WORKFLOW_BUNDLE, (await bundleWorkflows()).code);
  // With the OpenTelemetry workflow interceptors, for a worker whose traces are exported: the
  // trace goes on through the workflow (README, "Observability").
  writeFileSync(tracedBundle(WORKFLOW_BUNDLE), (await bundleWorkflows({ traced: true })).code);
}

/** Builds dist/ from scratch; `log` gets one line per step with its duration. */
export async function build(log: (line: string) => void = console.log): Promise<void> {
  const hash = sourceHash();
  const step = async (what: string, run: () => unknown) => {
    const started = Date.now();
    await run();
    log(`${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  rmSync(DIST, { recursive: true, force: true });
  await step('compiled to dist/ with tsc', compile);
  await step('copied the files read at run time', copyAssets);
  await step(`bundled the workflows into ${relative(ROOT, WORKFLOW_BUNDLE)}`, bundleWorkflows);
  writeFileSync(STAMP, `${hash}\n`);
  log(`dist/ ready (${(statSync(WORKFLOW_BUNDLE).size / 1024).toFixed(0)} KiB workflow bundle)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build((line) => console.log(`[build] ${line}`)).catch((err) => {
    console.error(`[build] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
