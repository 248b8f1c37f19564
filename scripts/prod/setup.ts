// The one-shot setup of the production topology, run by `npm run start:prod` on every start and
// by docker-compose.yml's `preflight` and `bootstrap` services (compiled: dist/scripts/prod/setup.js):
//   preflight  refuses placeholder secrets (TARGET_ID_KEY, the database passwords);
//   bootstrap  migrations, the holiday years (R16) and the two measure lists (R1) the database
//              lacks, the first ADMIN agency with its key written to ADMIN_KEY_FILE (owner-only,
//              never printed), the namespace and the search attributes of the workflows.
// Each step is idempotent: a second run finds what the first made and says so.
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import type Long from 'long';
import { sql } from 'drizzle-orm';
import { ConfigError, loadConfig, placeholderSecret, TARGET_ID_KEY_MIN_LENGTH } from '../../config/env';
import { issueKey } from '../../db/agencies';
import { seedCalendar } from '../../db/calendar-store';
import { connectDb, type Db } from '../../db/client';
import { seedMeasures } from '../../db/measures';
import { runMigrations } from '../../db/migrate';
import { APP_ROLE, enableAppLogin } from '../../db/roles';
import { agencies } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';

type Log = (line: string) => void;
export const DB_PASSWORD_MIN_LENGTH = 16;
const FIRST_ADMIN = { id: 'admin', name: '系统管理员', roles: ['ADMIN' as const] };

/**
 * What keeps these settings from being an operator's own secrets; empty when none. The database
 * passwords are checked unless the database is the embedded one of start:prod (loopback only).
 */
export function secretProblems(env: NodeJS.ProcessEnv, opts: { embeddedDb: boolean }): string[] {
  const problems: string[] = [];
  const key = placeholderSecret(env.TARGET_ID_KEY, TARGET_ID_KEY_MIN_LENGTH);
  if (key) problems.push(`TARGET_ID_KEY ${key}. It keys the hash that turns identity numbers into target ids: set 32 random bytes of your own (openssl rand -hex 32) before the first case and never change it.`);
  if (!opts.embeddedDb) {
    const url = env.DATABASE_URL ? new URL(env.DATABASE_URL) : undefined;
    const password = url ? decodeURIComponent(url.password) : undefined;
    const db = placeholderSecret(password, DB_PASSWORD_MIN_LENGTH);
    if (db) problems.push(`the password in DATABASE_URL ${db} (docker-compose.yml: POSTGRES_PASSWORD; e.g. openssl rand -hex 24).`);
    const temporal = env.TEMPORAL_DB_PASSWORD;
    if (temporal !== undefined && temporal !== password) {
      if (!env.TEMPORAL_DB_HOST && !env.TEMPORAL_DB_USER) {
        // Same server, same role: the two must be one password (docker-compose.yml's POSTGRES_PASSWORD).
        problems.push('TEMPORAL_DB_PASSWORD differs from the password in DATABASE_URL: in docker-compose.yml both come from POSTGRES_PASSWORD, which must then use URL-safe characters only (letters, digits, - . _ ~).');
      } else {
        const own = placeholderSecret(temporal, DB_PASSWORD_MIN_LENGTH);
        if (own) problems.push(`TEMPORAL_DB_PASSWORD ${own}.`);
      }
    }
    const app = env.APP_DATABASE_PASSWORD;
    if (app !== undefined) {
      const own = placeholderSecret(app, DB_PASSWORD_MIN_LENGTH);
      if (own) problems.push(`APP_DATABASE_PASSWORD ${own} (the app role's; e.g. openssl rand -hex 24).`);
      else if (!/^[A-Za-z0-9._~-]+$/.test(app)) problems.push('APP_DATABASE_PASSWORD must use URL-safe characters only (letters, digits, - . _ ~): docker-compose.yml writes it into a URL.');
      else if (app === password) problems.push('APP_DATABASE_PASSWORD is the owner\'s password: the app role needs one of its own.');
    }
  }
  return problems;
}

/** Migrations, then the holiday years and the measure lists the database does not have yet. */
export async function prepareDatabase(databaseUrl: string, log: Log): Promise<void> {
  await runMigrations(databaseUrl);
  const h = connectDb(databaseUrl, { max: 1 });
  try {
    const years = await seedCalendar(h.db);
    const measures = await seedMeasures(h.db, shanghaiDateOf(new Date()));
    log(`database migrated; ${years.length ? `holiday schedules ${years[0]}–${years.at(-1)} loaded` : 'holiday schedules already loaded'}; ` +
      `${measures ? `${measures} measures of the two lists seeded` : 'measure lists already seeded'}`);
  } finally {
    await h.close();
  }
}

/**
 * R1: the first ADMIN agency and its key, when the database has no ADMIN yet. The key goes to
 * `file` only (created here, mode 0600, never overwritten) and is issued in the transaction
 * that writes it: a key that could not be written is never stored.
 */
export async function ensureFirstAdmin(databaseUrl: string, file: string, log: Log): Promise<'created' | 'exists'> {
  const h = connectDb(databaseUrl, { max: 1 });
  try {
    return await h.db.transaction(async (tx) => {
      // Two bootstraps at once (a restarted container) make one ADMIN, not two.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('joint-discipline:first-admin'))`);
      const admins = await tx.execute(sql`select id from agencies where 'ADMIN' = any(roles)`);
      if (admins.length > 0) {
        log(`an ADMIN agency exists already (${admins.map((a) => a.id).join(', ')}); no key issued (its key was written to ${file} when it was made)`);
        return 'exists';
      }
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      let fd: number;
      try {
        fd = openSync(file, 'wx', 0o600);
      } catch (err) {
        throw new Error(`cannot create ${file} for the first ADMIN key (${(err as NodeJS.ErrnoException).code}): ` +
          'the database has no ADMIN agency; remove a stale file or set ADMIN_KEY_FILE to a new path');
      }
      try {
        await tx.insert(agencies).values(FIRST_ADMIN);
        // The transaction has the insert API issueKey uses; the key row commits with the agency.
        const { apiKey } = await issueKey(tx as unknown as Db, FIRST_ADMIN.id);
        writeSync(fd, `${apiKey}\n`);
      } catch (err) {
        closeSync(fd);
        unlinkSync(file);
        throw err;
      }
      closeSync(fd);
      log(`first ADMIN agency "${FIRST_ADMIN.id}" made; its key is in ${file} (readable by its owner only; shown nowhere else)`);
      return 'created';
    });
  } finally {
    await h.close();
  }
}

/** IndexedValueType of temporal/api/enums/v1/common.proto, by the SDK's SearchAttributeType. */
const INDEXED_VALUE_TYPE: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

async function retry<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > until) throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * The namespace (30 days' retention of closed runs) and the workflows' search attributes, with
 * the setup's token (temporal-system:admin) when the server requires one.
 */
export async function ensureNamespace(address: string, namespace: string, log: Log, token?: string, timeoutMs = 120_000): Promise<void> {
  const metadata = token ? { authorization: `Bearer ${token}` } : undefined;
  const connection = await retry(`Temporal at ${address} does not answer`, timeoutMs,
    () => Connection.connect({ address, connectTimeout: 2000, metadata }));
  try {
    const { workflowService: wf, operatorService: op } = connection;
    const known = await wf.describeNamespace({ namespace }).then(() => true, () => false);
    if (!known) {
      // protobufjs takes a plain number for an int64; the generated type names only Long.
      const retention = { seconds: (30 * 24 * 3600) as unknown as Long };
      await wf.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention })
        .catch((err: { code?: number }) => { if (err.code !== 6) throw err; }); // 6: ALREADY_EXISTS
    }
    const wanted = Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]]));
    // A new namespace reaches the frontend's cache within seconds: NOT_FOUND until then.
    await retry('search attributes not registered', timeoutMs, () => op.addSearchAttributes({ namespace, searchAttributes: wanted }));
    const listed = (await op.listSearchAttributes({ namespace })).customAttributes ?? {};
    const missing = Object.entries(wanted).filter(([name, type]) => listed[name] !== type).map(([name]) => name);
    if (missing.length) throw new Error(`search attributes missing after registration: ${missing.join(', ')}`);
    log(`namespace ${namespace} ${known ? 'found' : 'registered'}; search attributes ${Object.keys(wanted).join(', ')} registered`);
  } finally {
    await connection.close();
  }
}

async function main(step: string | undefined): Promise<void> {
  const log: Log = (line) => console.log(`[${step}] ${line}`);
  const problems = secretProblems(process.env, { embeddedDb: false });
  if (problems.length) {
    console.error(`[${step}] refusing to start: ${problems.length} setting(s) are not secrets of your own:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(78); // EX_CONFIG
  }
  const config = loadConfig();
  if (step === 'preflight') {
    log('secrets set; none is a placeholder');
    return;
  }
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL', 'is required');
  const adminKeyFile = process.env.ADMIN_KEY_FILE;
  if (!adminKeyFile) throw new ConfigError('ADMIN_KEY_FILE', 'is required: where the first ADMIN key is written');
  const appPassword = process.env.APP_DATABASE_PASSWORD;
  if (!appPassword) throw new ConfigError('APP_DATABASE_PASSWORD', `is required: the password the workers and the APIs log in with as ${APP_ROLE}`);
  await prepareDatabase(config.databaseUrl, log);
  await enableAppLogin(config.databaseUrl, appPassword);
  log(`${APP_ROLE} may log in: the workers and the APIs act as it (append-only journal and audit trail)`);
  await ensureFirstAdmin(config.databaseUrl, adminKeyFile, log);
  // docker-compose.yml gives the bootstrap the admin token (TEMPORAL_ADMIN_TOKEN) as its TEMPORAL_AUTH_TOKEN.
  await ensureNamespace(config.temporalAddress, config.temporalNamespace, log, config.temporalAuthToken);
  log('done');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const step = process.argv[2];
  if (step !== 'preflight' && step !== 'bootstrap') {
    console.error('usage: node dist/scripts/prod/setup.js preflight|bootstrap');
    process.exit(64);
  }
  main(step).catch((err) => {
    console.error(`[${step}] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
