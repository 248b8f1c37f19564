// A newcomer's first minutes: a port another program holds stops `npm start` (and `npm run
// start:prod`) before anything starts, naming the port and the variable that moves it; nothing
// is announced as up. Once, `npm start` failed on a taken port and then said it was up, because
// the answers it waited for came from another stack.
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';
import { freeProdPorts, Launcher, scratchDataDir } from './launcher';

let occupier: Server | undefined;
let dataDir: ReturnType<typeof scratchDataDir> | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (occupier ? occupier.close(() => resolve()) : resolve()));
  occupier = undefined;
  dataDir?.remove();
});

/** A plain TCP server holding `port`, as any other program would. */
function occupy(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    occupier = createServer((socket) => socket.end('not the API\n'));
    occupier.once('error', reject);
    occupier.listen(port, '127.0.0.1', () => resolve());
  });
}

async function runUntilExit(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const launcher = new Launcher(script, env);
  const timer = setTimeout(() => launcher.killGroup(), 60_000);
  const { code } = await launcher.exited;
  clearTimeout(timer);
  return { code, output: launcher.output };
}

describe('npm start with a port taken', () => {
  it.each(['PORT', 'PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT'])('%s taken: a non-zero exit naming the port and the variable, nothing started, nothing announced as up', async (variable) => {
    dataDir = scratchDataDir('taken-port');
    const env: Record<string, string> = { DATA_DIR: dataDir.path };
    for (const name of ['PORT', 'PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT']) env[name] = String(await freePort());
    await occupy(Number(env[variable]));

    const { code, output } = await runUntilExit('scripts/stack.ts', env);

    expect(code, output).not.toBe(0);
    expect(output).toMatch(new RegExp(`port ${env[variable]} \\(.+\\) is taken.*${variable}=<another port>`));
    expect(output).not.toMatch(/is up/);
    // Checked before anything started: no database was made.
    expect(existsSync(join(dataDir.path, 'pg')), readdirSync(dataDir.path).join(', ')).toBe(false);
  }, 90_000);
});

describe('npm run start:prod with a port taken', () => {
  it.each([
    // The proxy's PORT is the same check as npm start's; these are the ports only start:prod has.
    { variable: 'PORT', offset: 2 }, { variable: 'PG_PORT', offset: 0 }, { variable: 'TEMPORAL_PORT', offset: 1 },
    { variable: 'TEMPORAL_PORT', offset: -300 }, { variable: 'TEMPORAL_UI_PORT', offset: 0 },
  ] as const)('the port $offset from $variable taken: a non-zero exit naming the port and the variable, nothing announced as up', async ({ variable, offset }) => {
    dataDir = scratchDataDir('taken-port-prod');
    const env = { ...(await freeProdPorts()), DATA_DIR: dataDir.path };
    const taken = Number(env[variable]) + offset;
    await occupy(taken);

    const { code, output } = await runUntilExit('scripts/prod/main.ts', env);

    expect(code, output).not.toBe(0);
    expect(output).toMatch(new RegExp(`port ${taken} \\(.+\\) is taken.*${variable}=<another port>`));
    expect(output).not.toMatch(/is up/);
    expect(existsSync(join(dataDir.path, 'pg'))).toBe(false);
  }, 90_000);
});
