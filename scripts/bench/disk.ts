// Disk at rest, per target (issue 17): PostgreSQL's database and its largest tables, and the
// engine's state: the dev server's SQLite file in the stack's DATA_DIR (scripts/stack.ts starts
// `temporal server start-dev --db-filename DATA_DIR/temporal.db`) with its -wal and -shm, or on
// the production topology the Temporal server's two databases on the same PostgreSQL.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context';
import { round } from './measure';

const MiB = 2 ** 20;

export async function diskPerTarget(ctx: BenchContext, targets: number) {
  const [{ bytes }] = await ctx.dbh.sql<{ bytes: string }[]>`select pg_database_size(current_database())::text as bytes`;
  const largest = await ctx.dbh.sql<{ schema: string; name: string; bytes: string }[]>`
    select n.nspname as schema, c.relname as name, pg_total_relation_size(c.oid)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
    order by pg_total_relation_size(c.oid) desc limit 8`;
  const tables = await Promise.all(largest.map(async (t) => {
    const quoted = (id: string) => `"${id.replaceAll('"', '""')}"`;
    const [{ n }] = await ctx.dbh.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${quoted(t.schema)}.${quoted(t.name)}`);
    return { ...t, rows: n };
  }));
  const engineFiles = await engineState(ctx);
  const engineBytes = engineFiles.reduce((a, f) => a + f.bytes, 0);
  const perTarget = (b: number) => (targets > 0 ? round(b / targets / 1024) : null);
  return {
    /** The denominator: every target in PostgreSQL (earlier scenarios' too). */
    targets,
    postgres: {
      databaseMiB: round(Number(bytes) / MiB),
      perTargetKiB: perTarget(Number(bytes)),
      largestTables: tables.map((t) => ({
        table: t.schema === 'public' ? t.name : `${t.schema}.${t.name}`, totalMiB: round(Number(t.bytes) / MiB), rows: t.rows, perTargetKiB: perTarget(Number(t.bytes)),
      })),
    },
    engine: {
      totalMiB: round(engineBytes / MiB),
      perTargetKiB: perTarget(engineBytes),
      files: engineFiles.map((f) => ({ file: f.file, MiB: round(f.bytes / MiB) })),
    },
  };
}

/** The engine's state by file (SQLite) or by database (`postgres:temporal`), in bytes. */
async function engineState(ctx: BenchContext): Promise<{ file: string; bytes: number }[]> {
  const state = ctx.stack.engineState;
  if (state.kind === 'sqlite') {
    return readdirSync(ctx.stack.dataDir).filter((f) => f.startsWith('temporal.db'))
      .map((f) => ({ file: f, bytes: statSync(join(ctx.stack.dataDir, f)).size }));
  }
  const rows = await ctx.dbh.sql<{ name: string; bytes: string }[]>`
    select datname as name, pg_database_size(datname)::text as bytes from pg_database where datname = any(${state.databases}::text[])`;
  return rows.map((r) => ({ file: `postgres:${r.name}`, bytes: Number(r.bytes) }));
}
