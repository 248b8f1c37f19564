// Schemathesis (PyPI) in a virtual environment of the project's cache, outside the repository:
// installed once, with pip's progress on stderr; later runs find it and skip the install.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../scripts/engine-paths.mjs';

export const SCHEMATHESIS_VERSION = '4.32.5';

const say = (line: string) => process.stderr.write(`[schemathesis] ${line}\n`);

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** The `schemathesis` executable of the pinned version, installed on first use. */
export async function ensureSchemathesis(): Promise<string> {
  const venv = join(cacheDir(), 'schemathesis');
  const bin = join(venv, 'bin', 'schemathesis');
  if (existsSync(bin) && spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.includes(SCHEMATHESIS_VERSION)) return bin;
  const started = Date.now();
  say(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (once; about a minute)`);
  mkdirSync(cacheDir(), { recursive: true });
  if (!existsSync(join(venv, 'bin', 'pip'))) await run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  await run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--progress-bar', 'off', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  say(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

export interface SchemathesisRun { code: number; output: string }

/** One `schemathesis run` in `cwd` (where it keeps its .schemathesis cache), and its output. */
export function schemathesis(bin: string, args: string[], cwd: string): Promise<SchemathesisRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}
