// A load of cases driven over HTTP the way agencies drive them, and what PostgreSQL and the
// engine must show once it has settled. Each case is a target of its own and goes as far as its
// plan says:
//   pushed       R2 intake only
//   late         R2 intake after the push limit: recorded as late, one overdue record, told (R14)
//   received     + R5 receipt
//   acknowledged + R5 push to an implementer and its acknowledgement: R6/R8 measures in force
//   repaired     + R12 repair approved: every measure released, the run completes
// The driver behaves like a careful client: every action carries an Idempotency-Key, so a 5xx
// (or a dropped request), which may or may not have been applied, is simply sent again and
// answers what the first answered. Any refusal fails the test.
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { DbHandle } from '../../db/client';
import { caseMeasures, cases, journal, notices, steps } from '../../db/schema';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { targetStateQuery } from '../../workflows/messages';
import { agencyWithKey } from '../support/agencies';
import { eventually } from '../support/eventually';
import { creditCodeOf } from '../support/identities';
import { sleep, until } from './harness';

export const PLANS = ['pushed', 'late', 'received', 'acknowledged', 'repaired'] as const;
export type Plan = (typeof PLANS)[number];

/** One R6 and one R8 measure, neither in the R9 feedback set: a repaired target owes nothing and its run completes. */
const MEASURES = ['DM-R6-NO-NOTIFY-COMMIT', 'DM-R8-PUBLICITY-ADVERSE'];
const ISSUER = '杭州市市场监督管理局';

type Agency = Awaited<ReturnType<typeof agencyWithKey>>;

interface Request { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; payload?: object }
/** How the load reaches the API: a status and a body, or a throw when no answer came. */
export type Transport = (req: Request) => Promise<{ status: number; body: string }>;

/** The API in this process, through Fastify's inject. */
export const viaInject = (app: FastifyInstance): Transport => async (req) => {
  const res = await app.inject(req);
  return { status: res.statusCode, body: res.body };
};

/** An API process over HTTP; an answer that takes longer than two minutes counts as none. */
export const viaHttp = (baseUrl: string): Transport => async (req) => {
  const res = await fetch(`${baseUrl}${req.url}`, {
    method: req.method,
    headers: { ...req.headers, ...(req.payload ? { 'content-type': 'application/json' } : {}) },
    body: req.payload ? JSON.stringify(req.payload) : undefined,
    signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, body: await res.text() };
};

export interface LoadCase {
  index: number;
  plan: Plan;
  creditCode: string;
  documentNumber: string;
  caseId?: string;
  targetId?: string;
  workflowId?: string;
  /** Where the driver is, for the failure message of a load that never settles. */
  step: string;
  /** Requests answered 5xx (or not at all) and sent again. */
  retried: number;
}


export class CaseLoad {
  readonly cases: LoadCase[] = [];
  /** Requests sent and not yet answered: a fault that hits while this is above zero hits the load. */
  inFlight = 0;
  private stopped = false;

  private constructor(
    private readonly transport: Transport,
    readonly agencies: Record<'enforcement' | 'authority' | 'implementer' | 'credit' | 'supervisor', Agency>,
    private readonly tag: string,
  ) {}

  /** The agencies are written before any fault; the load itself goes through the API only. */
  static async create(transport: Transport, dbh: DbHandle, tag: string): Promise<CaseLoad> {
    const agencies = {
      enforcement: await agencyWithKey(dbh.db, ['ENFORCEMENT'], '执法稽查处'),
      authority: await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处'),
      implementer: await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心'),
      credit: await agencyWithKey(dbh.db, ['CREDIT'], '信用监管处'),
      supervisor: await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室'),
    };
    return new CaseLoad(transport, agencies, tag);
  }

  /** No request after this one; waits (a while) for those in flight, so that nothing is cut off at teardown. */
  async stop(waitMs = 10_000): Promise<void> {
    this.stopped = true;
    await until(() => this.inFlight === 0, waitMs);
  }

  /** `n` cases, the plans in turn, their first requests spread over `spreadMs`; resolves when every plan is done. */
  async run(n: number, spreadMs: number, timeoutMs: number): Promise<void> {
    const start = this.cases.length;
    for (let i = start; i < start + n; i += 1) {
      this.cases.push({
        index: i, plan: PLANS[i % PLANS.length], creditCode: creditCodeOf(i + 1),
        documentNumber: `杭市管罚〔2026〕${this.tag}-${i}号`, step: 'waiting', retried: 0,
      });
    }
    const mine = this.cases.slice(start);
    const driving = Promise.all(mine.map(async (c, k) => {
      await sleep(Math.round((spreadMs * k) / n));
      await this.drive(c);
    }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the load did not finish within ${timeoutMs / 1000} s:\n${this.progress()}`)), timeoutMs);
    });
    try {
      await Promise.race([driving, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  progress(): string {
    return this.cases.filter((c) => c.step !== 'done').map((c) => `  case ${c.index} (${c.plan}): ${c.step}`).join('\n') || '  every case done';
  }

  get retried(): number {
    return this.cases.reduce((n, c) => n + c.retried, 0);
  }

  private async drive(c: LoadCase): Promise<void> {
    const { enforcement, authority, implementer } = this.agencies;
    const today = shanghaiDateOf(new Date());
    c.step = 'intake';
    const intake = await this.send(c, {
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: {
        source: 'penalty_decision', consultation: false, authority: authority.id,
        // R2: pushed 3 working days after the decision at the latest; 30 days after is late.
        document: { number: c.documentNumber, issuedOn: c.plan === 'late' ? addDays(today, -30) : today, issuer: ISSUER },
        target: { kind: 'enterprise', creditCode: c.creditCode, name: `杭州某某贸易有限公司${c.index}` },
        measures: MEASURES, periods: Object.fromEntries(MEASURES.map((m) => [m, { years: 1 }])),
      },
    }, [200, 201]);
    Object.assign(c, { caseId: intake.caseId, targetId: intake.targetId, workflowId: intake.workflowId });
    if (c.plan === 'pushed' || c.plan === 'late') {
      c.step = 'done';
      return;
    }

    c.step = 'receipt';
    await this.send(c, { method: 'POST', url: `/cases/${c.caseId}/receipt`, headers: authority.headers }, [200]);
    if (c.plan === 'received') {
      c.step = 'done';
      return;
    }

    c.step = 'implementers';
    await this.send(c, {
      method: 'POST', url: `/cases/${c.caseId}/implementers`, headers: authority.headers,
      // R5: each measure to an implementer of its kind: the approval agency's, and publicity by the AUTHORITY itself.
      payload: { implementers: [{ agencyId: implementer.id, measures: [MEASURES[0]] }, { agencyId: authority.id, measures: [MEASURES[1]] }] },
    }, [200]);
    c.step = 'acknowledgement';
    await this.send(c, { method: 'POST', url: `/cases/${c.caseId}/acknowledgement`, headers: implementer.headers }, [200]);
    await this.send(c, { method: 'POST', url: `/cases/${c.caseId}/acknowledgement`, headers: authority.headers }, [200]);
    if (c.plan === 'acknowledged') {
      c.step = 'done';
      return;
    }

    // R12: filed with and decided by the agency that filed the case.
    c.step = 'repair';
    const filed = await this.send(c, { method: 'POST', url: `/cases/${c.caseId}/repairs`, headers: enforcement.headers, payload: {} }, [201]);
    const { repairId } = filed.detail as { repairId: string };
    c.step = 'repair decision';
    await this.send(c, {
      method: 'POST', url: `/cases/${c.caseId}/repairs/${repairId}/decision`, headers: enforcement.headers,
      payload: { outcome: 'approved', reason: '已完成信用修复' },
    }, [200]);
    c.step = 'done';
  }

  /** Sends until answered with one of `ok`, under one Idempotency-Key per case and step; see the file comment. */
  private async send(c: LoadCase, req: Request, ok: number[]): Promise<Record<string, unknown> & { caseId?: string; targetId?: string; workflowId?: string }> {
    req = { ...req, headers: { ...req.headers, 'idempotency-key': `${this.tag}-${c.index}-${c.step.replace(/\s+/g, '-')}` } };
    for (let attempt = 1; ; attempt += 1) {
      if (this.stopped) throw new Error(`case ${c.index}: the load was stopped at ${c.step}`);
      this.inFlight += 1;
      let status: number;
      let body: string;
      try {
        ({ status, body } = await this.transport(req));
      } catch (err) {
        status = 599; // no answer: the request may or may not have been applied
        body = String(err);
      } finally {
        this.inFlight -= 1;
      }
      if (ok.includes(status)) return JSON.parse(body);
      if (status >= 500) {
        c.retried += 1;
        await sleep(Math.min(2000, 100 * attempt));
        continue;
      }
      throw new Error(`case ${c.index} (${c.plan}), ${c.step}: ${req.method} ${req.url} answered ${status} ${body}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What every plan must leave behind, exactly: one row per fact, whatever was retried.

// Every case writes its notice to the party (R17); publicity in force is ordered published on
// both platforms and, released, withdrawn from both (R8).
const JOURNAL: Record<Plan, string[]> = {
  pushed: ['case_pushed/R2', 'letter_issued/R17'],
  late: ['case_pushed/R2', 'letter_issued/R17'],
  received: ['case_pushed/R2', 'letter_issued/R17', 'case_received/R5'],
  // R5: the approval agency and the AUTHORITY (publicity is its own) each acknowledge.
  acknowledged: [
    'case_pushed/R2', 'letter_issued/R17', 'case_received/R5', 'pushed_to_implementers/R5', 'acknowledged/R5', 'acknowledged/R5',
    'measure_active/R6', 'measure_active_publicity_started/R8', 'publicity_ordered/R8', 'publicity_ordered/R8',
  ],
  // The repair's answer is a letter too; the loop stays open until the platforms confirm the
  // withdrawals and the AUTHORITY records the notice delivered.
  repaired: [
    'case_pushed/R2', 'letter_issued/R17', 'case_received/R5', 'pushed_to_implementers/R5', 'acknowledged/R5', 'acknowledged/R5',
    'measure_active/R6', 'measure_active_publicity_started/R8', 'publicity_ordered/R8', 'publicity_ordered/R8',
    'repair_filed/R12', 'repair_decided/R12', 'letter_issued/R17', 'publicity_stopped/R12',
    'measure_released/R12', 'measure_released/R12', 'publicity_stopped/R8', 'publicity_ordered/R8', 'publicity_ordered/R8',
  ],
};

const CASE_STATUS: Record<Plan, string> = {
  pushed: 'pushed', late: 'pushed', received: 'received', acknowledged: 'implementing', repaired: 'implementing',
};

/**
 * R2/R5/R6/R8/R12/R14 after faults: every case exactly once with the status its plan reached,
 * the journal exactly as the plan writes it (no line twice, none missing), one overdue record
 * per late push, each notice once per agency, the measures in the state the plan leaves them,
 * and one workflow run per target, running or completed as it should be, whose own state agrees.
 */
export async function expectLoadSettled(load: CaseLoad, dbh: DbHandle, client: Client, timeoutMs: number): Promise<void> {
  const roleOf = (agencyId: string) => Object.entries(load.agencies).find(([, a]) => a.id === agencyId)?.[0] ?? agencyId;
  const sorted = (xs: string[]) => [...xs].sort();

  await eventually(async () => {
    // Every case row once, with its plan's status (the database held nothing else before the load).
    const rows = await dbh.db.select({ id: cases.id, status: cases.status, late: cases.late }).from(cases);
    expect(rows.map((r) => `${r.id} ${r.status}${r.late ? ' late' : ''}`).sort())
      .toEqual(load.cases.map((c) => `${c.caseId} ${CASE_STATUS[c.plan]}${c.plan === 'late' ? ' late' : ''}`).sort());

    // The journal of each target, line for line.
    const lines = await dbh.db.select({ targetId: journal.targetId, kind: journal.kind, rule: journal.rule }).from(journal);
    const journals = new Map<string, string[]>();
    for (const l of lines) journals.set(l.targetId, [...(journals.get(l.targetId) ?? []), `${l.kind}/${l.rule}`]);
    expect(Object.fromEntries([...journals].map(([t, ls]) => [t, sorted(ls)])))
      .toEqual(Object.fromEntries(load.cases.map((c) => [c.targetId!, sorted(JOURNAL[c.plan])])));
    const repeated = await dbh.db.execute(sql`select event_key, count(*)::int as n from journal group by event_key having count(*) > 1`);
    expect([...repeated]).toEqual([]);

    // R2/R14: one overdue record per late push, done by the push itself; nothing else is overdue.
    const overdue = (await dbh.db.select().from(steps)).filter((s) => s.overdueAt);
    expect(overdue.map((o) => `${o.caseId} ${o.kind} ${o.rule} ${o.doneAt ? 'done' : 'open'}`).sort())
      .toEqual(load.cases.filter((c) => c.plan === 'late').map((c) => `${c.caseId} push R2 done`).sort());

    // Each notice once per agency: the case to its AUTHORITY, the late push to its pusher and the
    // supervisors, the push to each implementer, each release to its implementer (the AUTHORITY
    // carries out publicity itself).
    const told = await dbh.db.select({ agencyId: notices.agencyId, kind: notices.kind, detail: notices.detail }).from(notices);
    expect(told.map((n) => `${n.detail.caseId} ${n.kind} → ${roleOf(n.agencyId)}`).sort()).toEqual(load.cases.flatMap((c) => {
      const expected: string[] = [`${c.caseId} case_pushed → authority`];
      if (c.plan === 'late') expected.push(`${c.caseId} overdue → enforcement`, `${c.caseId} overdue → supervisor`);
      if (c.plan === 'acknowledged' || c.plan === 'repaired') {
        expected.push(`${c.caseId} pushed_to_implementer → implementer`, `${c.caseId} pushed_to_implementer → authority`);
      }
      // R8: no platform is registered in the load: its orders go to the supervisors.
      if (c.plan === 'acknowledged' || c.plan === 'repaired') expected.push(...Array(2).fill(`${c.caseId} publicity_order → supervisor`));
      if (c.plan === 'repaired') {
        expected.push(`${c.caseId} measure_released → implementer`, `${c.caseId} measure_released → authority`);
        expected.push(...Array(2).fill(`${c.caseId} publicity_order → supervisor`));
      }
      return expected;
    }).sort());

    // R6/R8 in force from the acknowledgement; R12 released by the repair.
    const measures = await dbh.db.select().from(caseMeasures);
    expect(measures.map((m) => `${m.caseId} ${m.code} ${m.status}${m.releaseReason ? ` ${m.releaseReason}` : ''}`).sort())
      .toEqual(load.cases.flatMap((c) => c.plan === 'acknowledged' ? MEASURES.map((code) => `${c.caseId} ${code} active`)
        : c.plan === 'repaired' ? MEASURES.map((code) => `${c.caseId} ${code} released repair`) : []).sort());

    // One run per target (no intake retried into a second run), in the state its plan leaves it.
    const runs: string[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowType = 'targetWorkflow'` })) runs.push(`${w.workflowId} ${w.status.name}`);
    expect(runs.sort()).toEqual(load.cases.map((c) => `${c.workflowId} RUNNING`).sort());
  }, timeoutMs, 500);

  // The workflows' own state agrees with PostgreSQL.
  for (const c of load.cases) {
    const state = await client.workflow.getHandle(c.workflowId!).query(targetStateQuery);
    expect(state.cases.map((s) => ({
      caseId: s.caseId, status: s.status,
      acknowledged: s.implementers.map((i) => Boolean(i.acknowledgedAt)),
      measures: s.inForce.map((m) => m.status),
    })), `case ${c.index} (${c.plan}) in its workflow`).toEqual([{
      caseId: c.caseId, status: CASE_STATUS[c.plan],
      acknowledged: c.plan === 'acknowledged' || c.plan === 'repaired' ? [true, true] : [],
      measures: c.plan === 'acknowledged' ? ['active', 'active'] : c.plan === 'repaired' ? ['released', 'released'] : [],
    }]);
  }
}
