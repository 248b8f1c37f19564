// The one activity of the engine's intake reference (./empty-workflow.ts): one row, one insert.
import type postgres from 'postgres';

export function referenceActivities(sql: postgres.Sql) {
  return {
    async insertReferenceRow(id: string): Promise<void> {
      await sql`insert into bench_reference (id) values (${id}) on conflict do nothing`;
    },
  };
}
export type ReferenceActivities = ReturnType<typeof referenceActivities>;

export async function createReferenceTable(sql: postgres.Sql): Promise<void> {
  await sql`create table if not exists bench_reference (id text primary key, at timestamptz not null default now())`;
}
