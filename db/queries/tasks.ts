// "My tasks" (待办): every open step an agency is responsible for, soonest first (R14). A step of
// a target names its agency; an R1 list review is owed by a role (CREDIT and LEGAL), so it is the
// task of every agency in that role until that role has decided.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { STEP_KINDS, isObligation } from '../../domain/steps';

/** The steps an agency acts on: the obligations, and the promised materials of a repair (R12). */
const TASK_KINDS = STEP_KINDS.filter((k) => isObligation(k) || k === 'repair_commitment');

export type TaskRow = {
  id: string;
  kind: string;
  rule: string;
  month: string | null;
  target_id: string | null;
  target_name: string | null;
  case_id: string | null;
  document_number: string | null;
  change_id: string | null;
  change_code: string | null;
  due_at: Date | string;
  provisional: boolean;
  overdue_at: Date | string | null;
  reminders: number;
};

function owedBy(agencyId: string, reviewerRoles: ('CREDIT' | 'LEGAL')[]): SQL {
  const kinds = sql.join(TASK_KINDS.map((k) => sql`${k}`), sql`, `);
  const own = sql`(s.agency_id = ${agencyId} and s.kind in (${kinds}))`;
  if (reviewerRoles.length === 0) return own;
  // R1: a review the agency's role has not decided yet.
  const undecided = sql.join(reviewerRoles.map((r) => (r === 'CREDIT' ? sql`mc.credit_decision is null` : sql`mc.legal_decision is null`)), sql` or `);
  return sql`(${own} or (s.kind = 'measure_review' and s.agency_id is null and (${undecided})))`;
}

/** The agency's open steps, soonest due first, a page of them with the total and how many are overdue. */
export async function tasksOf(db: Db, agencyId: string, reviewerRoles: ('CREDIT' | 'LEGAL')[], page: { limit: number; offset: number }) {
  const where = sql`s.done_at is null and ${owedBy(agencyId, reviewerRoles)}`;
  const rows = await db.execute<TaskRow>(sql`
    select s.id, s.kind, s.rule, s.month, s.target_id, t.name as target_name, s.case_id, c.document_number,
           s.change_id, mc.code as change_code, s.due_at, s.provisional, s.overdue_at, s.reminders
    from steps s
    left join cases c on c.id = s.case_id
    left join targets t on t.id = s.target_id
    left join measure_changes mc on mc.id = s.change_id
    where ${where}
    order by s.due_at asc, s.id asc
    limit ${page.limit} offset ${page.offset}`);
  const [counts] = await db.execute<{ total: number; overdue: number }>(sql`
    select count(*)::int as total, count(*) filter (where s.overdue_at is not null)::int as overdue
    from steps s left join measure_changes mc on mc.id = s.change_id where ${where}`);
  return { rows: [...rows], total: counts.total, overdue: counts.overdue };
}
