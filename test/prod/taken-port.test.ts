// A newcomer's first minutes: a port another program holds stops `npm start` (and `npm run
// start:prod`) before anything starts, naming the port and the variable that moves it; nothing
// is announced as up. Once, `npm start` failed on a taken port and then said it was up, because
// the answers it waited for came from another stack. Each case is a launcher of its own, with
// ports and a DATA_DIR of its own, so the cases run side by side.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { freeProdPorts, Launcher, scratchDataDir } from './launcher';

/**
 * Runs the launcher `script` with `env` while a plain TCP server holds `port`, as any other
 * program would: its exit code, its output, and whether it made a database in DATA_DIR.
 */
async function runWithPortTaken(script: string, env: Record<string, string>, port: number) {
  const dataDir = scratchDataDir('taken-port');
  const occupier = createServer((socket) => socket.end('not the API\n'));
  await new Promise<void>((resolve, reject) => occupier.once('error', reject).listen(port, '127.0.0.1', resolve));
  try {
    const launcher = new Launcher(script, { ...env, DATA_DIR: dataDir.path });
    const timer = setTimeout(() => launcher.killGroup(), 60_000);
    const { code } = await launcher.exited;
    clearTimeout(timer);
    return { code, output: launcher.output, madeDatabase: existsSync(join(dataDir.path, 'pg')) };
  } finally {
    await new Promise((resolve) => occupier.close(resolve));
    dataDir.remove();
  }
}

describe.concurrent('npm start with a port taken', () => {
  it.each(['PORT', 'PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT'])('%s taken: a non-zero exit naming the port and the variable, nothing started, nothing announced as up', async (variable) => {
    const env: Record<string, string> = {};
    for (const name of ['PORT', 'PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT']) env[name] = String(await freePort());

    const { code, output, madeDatabase } = await runWithPortTaken('scripts/stack.ts', env, Number(env[variable]));

    expect(code, output).not.toBe(0);
    expect(output).toMatch(new RegExp(`port ${env[variable]} \\(.+\\) is taken.*${variable}=<another port>`));
    expect(output).not.toMatch(/is up/);
    expect(madeDatabase).toBe(false); // checked before anything started
  }, 90_000);
});

describe.concurrent('npm run start:prod with a port taken', () => {
  it.each([
    // The proxy's PORT is the same check as npm start's; these are the ports only start:prod has.
    // The last item: the case's own range of ports (5000 from 20000 + 5000 × it), as the cases run side by side.
    ['PORT+2', 'PORT', 2, 0], ['PG_PORT', 'PG_PORT', 0, 1], ['TEMPORAL_PORT+1', 'TEMPORAL_PORT', 1, 2],
    ['TEMPORAL_PORT-300', 'TEMPORAL_PORT', -300, 3], ['TEMPORAL_UI_PORT', 'TEMPORAL_UI_PORT', 0, 4],
    ['WORKER_METRICS_PORT+1', 'WORKER_METRICS_PORT', 1, 5],
  ] as const)('%s taken: a non-zero exit naming the port and the variable, nothing announced as up', async (_, variable, offset, range) => {
    const env = await freeProdPorts(20_000 + 5_000 * range);
    const taken = Number(env[variable]) + offset;

    const { code, output, madeDatabase } = await runWithPortTaken('scripts/prod/main.ts', env, taken);

    expect(code, output).not.toBe(0);
    expect(output).toMatch(new RegExp(`port ${taken} \\(.+\\) is taken.*${variable}=<another port>`));
    expect(output).not.toMatch(/is up/);
    expect(madeDatabase).toBe(false);
  }, 90_000);
});
