// Least privilege in PostgreSQL (README, "Security"). Migrations run as the database's owner;
// the API and the worker connect as `discipline_app` (made by migration 0021), which can append
// to the journal and the audit trail but never rewrite, truncate or alter them. The launchers,
// connected as the owner, give the role its login password and hand the processes its URL.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

export const APP_ROLE = 'discipline_app';

/** The URL the API and the worker use: the owner's server and database, as the app's role. */
export function appUrlOf(ownerUrl: string, password: string, user = APP_ROLE): string {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Lets the app's role log in with `password`, as the owner (who needs CREATEROLE, as the
 * migration that made the role did). Idempotent: the same password again changes nothing.
 */
export async function enableAppLogin(ownerUrl: string, password: string): Promise<void> {
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    // A utility statement takes no parameters: the password is quoted as a literal.
    await sql.unsafe(`ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD ${literal(password)}`);
  } catch (err) {
    // An owner without CREATEROLE: a DBA made the role with its login and password (README, "Security").
    const [role] = await sql<{ login: boolean }[]>`select rolcanlogin as login from pg_roles where rolname = ${APP_ROLE}`;
    if ((err as { code?: string }).code !== '42501' || !role?.login) throw err;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * The app role's password: APP_DATABASE_PASSWORD, or one made once into DATA_DIR/app-db-password
 * (owner-only), so that every start hands the processes the same one.
 */
export function appPassword(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.APP_DATABASE_PASSWORD) return env.APP_DATABASE_PASSWORD;
  const file = join(dataDir, 'app-db-password');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * Why the connected role could rewrite what must only be appended (the journal, the audit
 * trail), or null when it cannot: a superuser, a role that owns (or is a member of the owner of)
 * those tables, or one granted UPDATE, DELETE or TRUNCATE on them. The API and the worker refuse
 * to start on such a connection.
 */
export async function appendOnlyViolation(sql: postgres.Sql): Promise<string | null> {
  const [me] = await sql<{ name: string; superuser: boolean; bypassrls: boolean }[]>`
    select current_user as name, rolsuper as superuser, rolbypassrls as bypassrls from pg_roles where rolname = current_user`;
  if (me.superuser) return `${me.name} is a superuser (it can disable the journal's triggers)`;
  const tables = await sql<{ table: string; owner: boolean; rewrite: boolean }[]>`
    select c.relname as table,
           pg_has_role(current_user, c.relowner, 'USAGE') as owner,
           has_table_privilege(c.oid, 'UPDATE') or has_table_privilege(c.oid, 'DELETE') or has_table_privilege(c.oid, 'TRUNCATE') as rewrite
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname in ('journal', 'audit_log')`;
  for (const t of tables) {
    if (t.owner) return `${me.name} owns ${t.table} (it can alter it and disable its triggers)`;
    if (t.rewrite) return `${me.name} may update, delete or truncate ${t.table}`;
  }
  return null;
}

/** For the API and the worker at start: refuse a connection that could rewrite the journal. */
export async function assertAppendOnly(sql: postgres.Sql, who: string): Promise<void> {
  const problem = await appendOnlyViolation(sql);
  if (problem) {
    throw new Error(`${who} refuses to start: DATABASE_URL connects as a role that can rewrite the journal: ${problem}. ` +
      `Connect as ${APP_ROLE} (README, "Security"); npm start and start:prod do so themselves.`);
  }
}
