#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and the benchmarks on a fresh clone. Node built-ins only until the
// dependencies exist: install them when missing or stale, provision the engine, then hand
// over to the real command.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.mjs';
import { ensureLetterFont, ensureLetterTestTools } from './letter-tools.mjs';
import { provision } from './provision.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.bootstrap-stamp');

function manifestHash() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    if (existsSync(join(root, f))) h.update(readFileSync(join(root, f)));
  }
  return h.digest('hex');
}

function ensureDependencies() {
  const want = manifestHash();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === want) return;
  const hasLock = existsSync(join(root, 'package-lock.json'));
  // Not `npm ci`: npm 11 leaves other platforms' optional packages out of the lock file and ci
  // then refuses it. `install --no-save` honours the lock's versions and never rewrites it.
  const args = hasLock ? ['install', '--no-save', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  process.stderr.write(`[bootstrap] dependencies missing or stale: npm ${args.join(" ")}\n`);
  const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stampFile, `${manifestHash()}\n`);
}

function runStep(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Run the long-lived command, passing Ctrl-C / SIGTERM through and keeping its exit code. */
function handOver(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => child.kill(sig));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const command = process.argv[2];
const bin = (name) => join(root, 'node_modules', '.bin', name);

// What each command needs of the engine: Java and Maven (the time-skipping test server) only
// for the tests and the benchmarks, the server build only for the production-shaped topology.
const ENGINE_PARTS = {
  start: ['cli'],
  test: ['cli', 'test-server'],
  'start-prod': ['server'],
  'test-prod': ['server'],
  bench: ['cli', 'test-server'],
  'bench-search': ['cli', 'test-server'],
  'bench-memory': ['cli', 'test-server'],
};

ensureDependencies();
try {
  await provision(ENGINE_PARTS[command] ?? []);
} catch (err) {
  process.stderr.write(`\n[bootstrap] ${err.message}\n`);
  process.exit(2);
}

switch (command) {
  case 'start':
    ensureLetterFont();
    handOver(process.execPath, ['--import', 'tsx', 'scripts/stack.ts', ...process.argv.slice(3)]);
    break;
  case 'test':
    try {
      process.env.CHROMIUM_PATH = ensureChromium();
      ensureLetterTestTools();
    } catch (err) {
      process.stderr.write(`\n[bootstrap] ${err.message}\n`);
      process.exit(2);
    }
    runStep(bin('tsc'), ['--noEmit']);
    handOver(bin('vitest'), ['run', ...process.argv.slice(3)]);
    break;
  case 'start-prod':
    handOver(process.execPath, ['--import', 'tsx', 'scripts/prod/main.ts', ...process.argv.slice(3)]);
    break;
  case 'test-prod':
    handOver(bin('vitest'), ['run', '--config', 'vitest.prod.config.ts', ...process.argv.slice(3)]);
    break;
  case 'bench':
    handOver(process.execPath, ['--import', 'tsx', 'scripts/bench/main.ts', ...process.argv.slice(3)]);
    break;
  case 'bench-search':
    handOver(process.execPath, ['--import', 'tsx', 'scripts/bench-search.ts', ...process.argv.slice(3)]);
    break;
  case 'bench-memory':
    handOver(process.execPath, ['--import', 'tsx', 'scripts/bench-worker-memory.ts', ...process.argv.slice(3)]);
    break;
  default:
    process.stderr.write('usage: node scripts/bootstrap.mjs start|test|start-prod|test-prod|bench|bench-search|bench-memory\n');
    process.exit(64);
}
