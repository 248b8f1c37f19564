// The target workflow in the Java time-skipping test server: deadlines of days pass in
// seconds of wall time. Activities are typed recorders; the calendar is the real pure one.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDateOf, weekday, yearOf } from '../../domain/dates';
import {
  acknowledgedSignal, calendarChangedSignal, caseFiledSignal, caseReceivedSignal, caseReleasedSignal, feedbackReportedSignal,
  commitmentFulfilledSignal, implementersSelectedSignal, objectionDecidedSignal, objectionFiledSignal, repairDecidedSignal,
  repairFiledSignal, targetStateQuery, type CaseFiled,
} from '../../workflows/messages';
import type { targetWorkflow } from '../../workflows/target';
import { eventually } from '../support/eventually';
import { recordingActivities } from '../support/mock-activities';
import { startTimeSkipping, workflowBundle } from '../support/engine';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkipping();
});

afterAll(async () => {
  await env?.teardown();
});

// A test that fails half-way leaves its workflow running with timers and no worker, and the
// time-skipping server then waits for it instead of skipping time: end them all after each test.
/** Ends a test's workflow if it is still running (one whose loop closed has completed by itself). */
async function stop(handle: { terminate(reason: string): Promise<unknown> }): Promise<void> {
  await handle.terminate('test done').catch(() => undefined);
}

const WORKFLOW_IDS = [
  'target-ts-overdue', 'target-ts-received', 'target-ts-rearm', 'target-ts-past', 'target-ts-r14', 'target-ts-impl',
  'target-ts-r10', 'target-ts-r9', 'ts-r11-rejected', 'ts-r11-upheld', 'ts-r11-late', 'ts-r12-minimum',
  'ts-r12-commitment', 'ts-r12-kept', 'target-ts-can', 'target-ts-r16-ack',
];
afterEach(async () => {
  await Promise.all(WORKFLOW_IDS.map((id) => env.client.workflow.getHandle(id).terminate('test ended').catch(() => undefined)));
});

function filed(caseId: string, pushedAt: Date): CaseFiled {
  return {
    caseId,
    source: 'penalty_decision',
    document: { number: `杭市管罚〔2026〕${caseId}号`, issuedOn: '2026-03-02', issuer: '杭州市市场监督管理局' },
    consultation: false,
    measures: [],
    pushedAt: pushedAt.toISOString(),
  };
}

async function withWorker<T>(taskQueue: string, activities: object, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(fn);
}

describe('target workflow with time skipping', () => {
  it('R5: a receipt not confirmed within 3 working days fires the timer and records the step overdue', async () => {
    const { activities, calls } = recordingActivities();
    const taskQueue = 'ts-r5-overdue';
    await withWorker(taskQueue, activities, async () => {
      const pushedAt = new Date(await env.currentTimeMs());
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-overdue',
        taskQueue,
        args: [{ targetId: 'Ets-overdue', kind: 'enterprise' }],
        signal: caseFiledSignal,
        signalArgs: [filed('1', pushedAt)],
      });
      const wallStart = Date.now();
      // At most 3 working days + a weekend + the rest of the push day: 6 days covers it.
      await env.sleep('6 days');
      const state = await handle.query(targetStateQuery);
      expect(state.cases).toHaveLength(1);
      expect(state.cases[0].status).toBe('pushed');
      expect(state.cases[0].receiptOverdue).toBe(true);
      expect(calls.overdue).toHaveLength(1);
      expect(calls.overdue[0]).toMatchObject({ step: 'receipt', rule: 'R5', dueAt: state.cases[0].receiptDue!.dueAt });
      // The overdue record is made at (not before) the end of the 3rd working day.
      expect(Date.parse(calls.overdue[0].detectedAt)).toBeGreaterThanOrEqual(state.cases[0].receiptDue!.dueAtMs);
      console.log(`R5 timer of ${((state.cases[0].receiptDue!.dueAtMs - pushedAt.getTime()) / 86_400_000).toFixed(1)} days fired after ${Date.now() - wallStart} ms of wall time`);
      await stop(handle);
    });
  });

  it('R5: a receipt signalled before the deadline changes the state and no overdue is recorded', async () => {
    const { activities, calls } = recordingActivities();
    const taskQueue = 'ts-r5-received';
    await withWorker(taskQueue, activities, async () => {
      const pushedAt = new Date(await env.currentTimeMs());
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-received',
        taskQueue,
        args: [{ targetId: 'Ets-received', kind: 'enterprise' }],
        signal: caseFiledSignal,
        signalArgs: [filed('2', pushedAt)],
      });
      await env.sleep('1 day');
      await handle.signal(caseReceivedSignal, {
        caseId: '2', by: '市场监管局信用监管处', receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      });
      await env.sleep('10 days');
      const state = await handle.query(targetStateQuery);
      expect(state.cases[0].status).toBe('received');
      expect(state.cases[0].receiptOverdue).toBe(false);
      expect(calls.receipts).toHaveLength(1);
      expect(calls.receipts[0]).toMatchObject({ caseId: '2', by: '市场监管局信用监管处' });
      expect(calls.overdue).toHaveLength(0);
      await stop(handle);
    });
  });
});

/** The next Friday 10:00 Asia/Shanghai after `ms`, so weekdays line up in every run. */
function nextFriday10(ms: number): number {
  let date = addDays(shanghaiDateOf(ms), 1);
  while (weekday(date) !== 5) date = addDays(date, 1);
  return Date.parse(`${date}T10:00:00+08:00`);
}

describe('R16 provisional deadlines heal when their year is loaded (time skipping)', () => {
  // No schedule is loaded at first: everything is counted Monday–Friday and provisional. The
  // "loaded" schedule makes the Saturday after the push a make-up working day (调休上班), which
  // moves the R5 receipt deadline from Wednesday to Tuesday.
  async function pushOnFriday(workflowId: string, taskQueue: string) {
    const rec = recordingActivities();
    const friday = nextFriday10(await env.currentTimeMs());
    const fridayDate = shanghaiDateOf(friday);
    const saturday = addDays(fridayDate, 1);
    const years = [...new Set([yearOf(fridayDate), yearOf(addDays(fridayDate, 5))])];
    const load = () => {
      for (const year of years) {
        rec.loadYear({ year, holidays: new Map(), makeupWorkdays: new Set(yearOf(saturday) === year ? [saturday] : []) });
      }
    };
    return { ...rec, friday, fridayDate, years, load, tuesday: addDays(fridayDate, 4), wednesday: addDays(fridayDate, 5) };
  }

  it('R16: loading the year recomputes a provisional deadline, journals old and new due, and re-arms the timer earlier', async () => {
    const taskQueue = 'ts-r16-rearm';
    const t = await pushOnFriday('target-ts-rearm', taskQueue);
    await withWorker(taskQueue, t.activities, async () => {
      await env.sleep(t.friday - (await env.currentTimeMs()));
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-rearm', taskQueue,
        args: [{ targetId: 'Ets-rearm', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r16-1', new Date(t.friday))],
      });
      let state = await eventually(async () => {
        const s = await handle.query(targetStateQuery);
        expect(s.cases[0].receiptDue).toMatchObject({ due: t.wednesday, provisional: true });
        return s;
      });
      expect(state.cases[0].receiptDue!.missingYears).toEqual(t.years);

      t.load();
      await handle.signal(calendarChangedSignal, { years: t.years, reason: 'schedule loaded by test' });
      await env.sleep('6 days');
      state = await handle.query(targetStateQuery);
      expect(state.cases[0].receiptDue).toMatchObject({ due: t.tuesday, dueAt: `${t.wednesday}T00:00:00+08:00`, provisional: false });
      expect(t.calls.recomputed).toHaveLength(1);
      expect(t.calls.recomputed[0]).toMatchObject({
        caseId: 'r16-1', oldDue: `${addDays(t.wednesday, 1)}T00:00:00+08:00`, newDue: `${t.wednesday}T00:00:00+08:00`,
        provisional: false, movedIntoPast: false, reason: 'schedule loaded by test',
      });
      // The timer fired at the new (Tuesday 24:00) deadline, not the old Wednesday one.
      expect(t.calls.overdue).toHaveLength(1);
      expect(t.calls.overdue[0].dueAt).toBe(`${t.wednesday}T00:00:00+08:00`);
      expect(Date.parse(t.calls.overdue[0].detectedAt)).toBeLessThan(Date.parse(`${addDays(t.wednesday, 1)}T00:00:00+08:00`));
      await stop(handle);
    });
  });

  it('R16: a deadline recomputed to before now is flagged as moved into the past and falls overdue at once', async () => {
    const taskQueue = 'ts-r16-past';
    const t = await pushOnFriday('target-ts-past', taskQueue);
    await withWorker(taskQueue, t.activities, async () => {
      await env.sleep(t.friday - (await env.currentTimeMs()));
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-past', taskQueue,
        args: [{ targetId: 'Ets-past', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r16-2', new Date(t.friday))],
      });
      // Wednesday 01:00: past the corrected Tuesday deadline, before the provisional Wednesday one.
      await env.sleep(Date.parse(`${t.wednesday}T01:00:00+08:00`) - (await env.currentTimeMs()));
      expect((await handle.query(targetStateQuery)).cases[0].receiptOverdue).toBe(false);
      expect(t.calls.overdue).toHaveLength(0);

      t.load();
      await handle.signal(calendarChangedSignal, { years: t.years, reason: 'late load' });
      await env.sleep('1 hour');
      const state = await handle.query(targetStateQuery);
      expect(state.cases[0].receiptOverdue).toBe(true);
      expect(t.calls.recomputed[0]).toMatchObject({ movedIntoPast: true, newDue: `${t.wednesday}T00:00:00+08:00` });
      expect(t.calls.overdue).toHaveLength(1);
      expect(t.calls.overdue[0].dueAt).toBe(`${t.wednesday}T00:00:00+08:00`);
      await stop(handle);
    });
  });
});

describe('R16 healing reaches every running deadline (time skipping)', () => {
  it('R16: an acknowledgement deadline counted in an unloaded year is recomputed when the year is loaded', async () => {
    const rec = recordingActivities();
    const taskQueue = 'ts-r16-ack';
    await withWorker(taskQueue, rec.activities, async () => {
      const friday = nextFriday10(await env.currentTimeMs());
      await env.sleep(friday - (await env.currentTimeMs()));
      const fridayDate = shanghaiDateOf(friday);
      const saturday = addDays(fridayDate, 1);
      const years = [...new Set([yearOf(fridayDate), yearOf(addDays(fridayDate, 5))])];
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-r16-ack', taskQueue, args: [{ targetId: 'Ets-r16-ack', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r16-ack', new Date(friday))],
      });
      await handle.signal(implementersSelectedSignal, {
        caseId: 'r16-ack', by: 'authority-1', at: new Date(friday).toISOString(), implementers: [{ agencyId: 'approval', measures: ['X'] }],
      });
      await eventually(async () => {
        const st = await handle.query(targetStateQuery);
        expect(st.cases[0].implementers?.[0].acknowledgeDue).toMatchObject({ due: addDays(fridayDate, 5), provisional: true });
      });
      for (const year of years) rec.loadYear({ year, holidays: new Map(), makeupWorkdays: new Set(yearOf(saturday) === year ? [saturday] : []) });
      await handle.signal(calendarChangedSignal, { years, reason: 'schedule loaded' });
      await eventually(async () => {
        const st = await handle.query(targetStateQuery);
        expect(st.cases[0].implementers?.[0].acknowledgeDue).toMatchObject({ due: addDays(fridayDate, 4), provisional: false });
      });
      expect(rec.calls.recomputed).toEqual([expect.objectContaining({
        caseId: 'r16-ack', step: 'acknowledgement:approval', rule: 'R5', newDue: `${addDays(fridayDate, 5)}T00:00:00+08:00`,
      })]);
      await stop(handle);
    });
  });
});

describe('R14 escalation of an overdue receipt (time skipping)', () => {
  it('R14: an overdue receipt is reminded every 2 working days until it is received, and receipt ends the reminders', async () => {
    const rec = recordingActivities();
    const taskQueue = 'ts-r14';
    await withWorker(taskQueue, rec.activities, async () => {
      const friday = nextFriday10(await env.currentTimeMs());
      await env.sleep(friday - (await env.currentTimeMs()));
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-r14', taskQueue,
        args: [{ targetId: 'Ets-r14', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r14-1', new Date(friday))],
      });
      // Friday push: due Wednesday 24:00 (Mon–Fri, nothing loaded), overdue from then; reminders
      // 2 working days later at the end of Friday, then 2 more at the end of Tuesday.
      const wednesday = addDays(shanghaiDateOf(friday), 5);
      await env.sleep(Date.parse(`${addDays(wednesday, 1)}T12:00:00+08:00`) - (await env.currentTimeMs()));
      expect(rec.calls.overdue).toHaveLength(1);
      expect(rec.calls.escalations).toHaveLength(0);
      await env.sleep(Date.parse(`${addDays(wednesday, 7)}T12:00:00+08:00`) - (await env.currentTimeMs()));
      expect(rec.calls.escalations.map((e) => e.reminder)).toEqual([1, 2]);
      // Each fires at 24:00 of its day (the timer may land a moment after the instant).
      expect(rec.calls.escalations.map((e) => shanghaiDateOf(Date.parse(e.detectedAt) - 60_000))).toEqual([
        addDays(wednesday, 2), addDays(wednesday, 6), // Friday and Tuesday, each at 24:00
      ]);
      await handle.signal(caseReceivedSignal, { caseId: 'r14-1', by: '登记注册处', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
      await env.sleep('20 days');
      expect(rec.calls.escalations).toHaveLength(2);
      expect((await handle.query(targetStateQuery)).cases[0]).toMatchObject({ status: 'received', receiptReminders: 2 });
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-escalation-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });
});

describe('R5 push to implementers (time skipping)', () => {
  it('R5: pushing to implementers receives the case, and an implementer that does not acknowledge within 3 working days is overdue', async () => {
    const rec = recordingActivities();
    const taskQueue = 'ts-r5-implementers';
    await withWorker(taskQueue, rec.activities, async () => {
      const friday = nextFriday10(await env.currentTimeMs());
      await env.sleep(friday - (await env.currentTimeMs()));
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-impl', taskQueue,
        args: [{ targetId: 'Ets-impl', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r5-impl', new Date(friday))],
      });
      await env.sleep('1 hour');
      const selectedAt = new Date(await env.currentTimeMs()).toISOString();
      await handle.signal(implementersSelectedSignal, {
        caseId: 'r5-impl', by: 'authority-1', at: selectedAt,
        implementers: [{ agencyId: 'approval', measures: ['DM-R6-NO-NOTIFY-COMMIT'] }, { agencyId: 'association', measures: ['DM-R8-ASSOC-CRITICISM'] }],
      });
      await env.sleep('1 day');
      await handle.signal(acknowledgedSignal, { caseId: 'r5-impl', agencyId: 'approval', at: new Date(await env.currentTimeMs()).toISOString() });
      await env.sleep('7 days');
      const state = await handle.query(targetStateQuery);
      expect(state.cases[0]).toMatchObject({ status: 'implementing', receiptOverdue: false });
      expect(rec.calls.receipts).toEqual([expect.objectContaining({ caseId: 'r5-impl', by: 'authority-1', receivedAt: selectedAt })]);
      expect(rec.calls.implementers[0]).toMatchObject({ caseId: 'r5-impl', acknowledgeDueAt: state.cases[0].implementers![0].acknowledgeDue.dueAt });
      expect(rec.calls.acknowledgements.map((a) => a.agencyId)).toEqual(['approval']);
      // Only the silent implementer is overdue, at the end of the 3rd working day after the push.
      expect(rec.calls.overdue).toEqual([expect.objectContaining({
        step: 'acknowledgement:association', responsibleAgencyId: 'association', dueAt: `${addDays(shanghaiDateOf(friday), 6)}T00:00:00+08:00`, // end of Wednesday
      })]);
      expect(state.cases[0].implementers!.map((i) => [i.agencyId, Boolean(i.acknowledgedAt), i.overdue])).toEqual([
        ['approval', true, false], ['association', false, true],
      ]);
      // R14: the silent implementer is reminded every 2 working days until it acknowledges.
      expect(rec.calls.escalations.length).toBeGreaterThanOrEqual(1);
      expect(rec.calls.escalations.every((e) => e.step === 'acknowledgement:association' && e.responsibleAgencyId === 'association')).toBe(true);
      await handle.signal(acknowledgedSignal, { caseId: 'r5-impl', agencyId: 'association', at: new Date(await env.currentTimeMs()).toISOString() });
      await env.sleep('1 hour');
      const reminders = rec.calls.escalations.length;
      await env.sleep('20 days');
      expect(rec.calls.escalations).toHaveLength(reminders);
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-implementers-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });
});

describe('R10 natural release (time skipping)', () => {
  it('R10: a measure is in force from the acknowledgement and released at the end of its period, its implementer told', async () => {
    const rec = recordingActivities([], 10);
    const taskQueue = 'ts-r10';
    await withWorker(taskQueue, rec.activities, async () => {
      const start = await env.currentTimeMs();
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-r10', taskQueue,
        args: [{ targetId: 'Ets-r10', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r10', new Date(start))],
      });
      await handle.signal(implementersSelectedSignal, {
        caseId: 'r10', by: 'authority-1', at: new Date(start).toISOString(),
        implementers: [{ agencyId: 'approval', measures: ['DM-R6-NO-NOTIFY-COMMIT'] }],
      });
      const ackAt = new Date(await env.currentTimeMs()).toISOString();
      await handle.signal(acknowledgedSignal, { caseId: 'r10', agencyId: 'approval', at: ackAt });
      const state = await eventually(async () => {
        const s = await handle.query(targetStateQuery);
        expect(s.cases[0].activeMeasures).toHaveLength(1);
        return s;
      });
      const periodEnd = addDays(shanghaiDateOf(ackAt), 10);
      expect(state.cases[0].activeMeasures![0]).toMatchObject({ code: 'DM-R6-NO-NOTIFY-COMMIT', status: 'active', periodEnd });
      await env.sleep('9 days');
      expect(rec.calls.releases).toHaveLength(0);
      await env.sleep('3 days');
      expect(rec.calls.releases).toEqual([expect.objectContaining({ caseId: 'r10', code: 'DM-R6-NO-NOTIFY-COMMIT', reason: 'period_end' })]);
      // Released at 24:00 of the last day of the period, not before.
      expect(Date.parse(rec.calls.releases[0].at)).toBeGreaterThanOrEqual(Date.parse(`${addDays(periodEnd, 1)}T00:00:00+08:00`));
      expect((await handle.query(targetStateQuery)).cases[0].activeMeasures![0]).toMatchObject({ status: 'released', releaseReason: 'period_end' });
      // Every measure released, no report owed: the loop is closed and the run completes by itself.
      await handle.result();
      expect(rec.calls.closed).toHaveLength(1);
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-release-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });
});

describe('R9 monthly feedback (time skipping)', () => {
  it('R9: each implementer with feedback-set measures in force reports on every month by the 7th of the next; one that does not is overdue; one timer walks the months', async () => {
    const rec = recordingActivities([], null, true);
    const taskQueue = 'ts-r9';
    await withWorker(taskQueue, rec.activities, async () => {
      // Start on the 10th of the next month, so the first due date is well ahead.
      const nowDate = shanghaiDateOf(await env.currentTimeMs());
      const [y, m] = nowDate.split('-').map(Number);
      const tenth = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-10`;
      await env.sleep(Date.parse(`${tenth}T10:00:00+08:00`) - (await env.currentTimeMs()));
      const month = tenth.slice(0, 7);
      const at = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-r9', taskQueue,
        args: [{ targetId: 'Ets-r9', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r9', new Date(await env.currentTimeMs()))],
      });
      await handle.signal(implementersSelectedSignal, {
        caseId: 'r9', by: 'authority-1', at: await at(),
        implementers: [{ agencyId: 'approval', measures: ['DM-R6-NO-NOTIFY-COMMIT'] }, { agencyId: 'association', measures: ['DM-R8-ASSOC-CRITICISM'] }],
      });
      await handle.signal(acknowledgedSignal, { caseId: 'r9', agencyId: 'approval', at: await at() });
      await handle.signal(acknowledgedSignal, { caseId: 'r9', agencyId: 'association', at: await at() });
      const first = await eventually(async () => {
        const state = await handle.query(targetStateQuery);
        expect(state.feedback?.month).toBe(month);
        expect(state.feedback?.due).not.toBeNull();
        return state.feedback!;
      });
      expect(first.due!.due >= `${addDays(`${month}-28`, 4).slice(0, 7)}-07`).toBe(true); // the 7th of the next month or later

      // Only the approval agency reports on the month.
      await env.sleep('5 days');
      await handle.signal(feedbackReportedSignal, { month, implementerId: 'approval', summary: '已限制告知承诺审批 2 次', at: await at() });
      await env.sleep(first.due!.dueAtMs - (await env.currentTimeMs()) + 3_600_000);
      expect(rec.calls.reports.map((r) => [r.month, r.implementerId])).toEqual([[month, 'approval']]);
      expect(rec.calls.overdue).toEqual([expect.objectContaining({
        step: `feedback:${month}:association`, rule: 'R9', responsibleAgencyId: 'association', dueAt: first.due!.dueAt,
      })]);
      expect(rec.calls.overdue[0].caseId).toBeUndefined();
      // The single timer has moved on to the next month.
      const after = (await handle.query(targetStateQuery)).feedback!;
      expect(after.month).not.toBe(month);
      expect(after.month! > month).toBe(true);
      expect(rec.calls.feedbackDue).toEqual([month, after.month]);
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-feedback-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });
});

describe('R11 objection (time skipping)', () => {
  /** A case whose one measure (100 days) is in force from today, for implementer 'approval'. */
  async function inForce(workflowId: string, taskQueue: string, rec: ReturnType<typeof recordingActivities>) {
    const start = await env.currentTimeMs();
    const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
      workflowId, taskQueue, args: [{ targetId: `E${workflowId}`, kind: 'enterprise' }],
      signal: caseFiledSignal, signalArgs: [filed('r11', new Date(start))],
    });
    await handle.signal(implementersSelectedSignal, {
      caseId: 'r11', by: 'authority-1', at: new Date(start).toISOString(), implementers: [{ agencyId: 'approval', measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }],
    });
    await handle.signal(acknowledgedSignal, { caseId: 'r11', agencyId: 'approval', at: new Date(start).toISOString() });
    const state = await eventually(async () => {
      const s = await handle.query(targetStateQuery);
      expect(s.cases[0].activeMeasures?.[0]?.status).toBe('active');
      return s;
    });
    void rec;
    return { handle, periodEnd: state.cases[0].activeMeasures![0].periodEnd! };
  }
  const now = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());

  it('R11: an objection suspends the measures; a rejection resumes them from the rejection day with the period end moved by exactly the suspended days', async () => {
    const rec = recordingActivities([], 100);
    const taskQueue = 'ts-r11-rejected';
    await withWorker(taskQueue, rec.activities, async () => {
      const { handle, periodEnd } = await inForce('ts-r11-rejected', taskQueue, rec);
      await env.sleep('10 days');
      const filedAt = await now();
      await handle.signal(objectionFiledSignal, { objectionId: 'O1', caseId: 'r11', by: 'credit-1', reason: '处罚决定已申请复议', at: filedAt });
      await env.sleep('1 hour');
      let c = (await handle.query(targetStateQuery)).cases[0];
      expect(c.activeMeasures![0]).toMatchObject({ status: 'suspended', suspendedOn: shanghaiDateOf(filedAt) });
      expect(rec.calls.objections[0]).toMatchObject({ objectionId: 'O1', suspended: ['DM-R6-MARKET-INDUSTRY-BAN'] });

      await env.sleep('20 days');
      const rejectedAt = await now();
      await handle.signal(objectionDecidedSignal, { objectionId: 'O1', caseId: 'r11', outcome: 'rejected', by: 'credit-1', reason: '复议维持原处罚决定', at: rejectedAt });
      await env.sleep('1 hour');
      c = (await handle.query(targetStateQuery)).cases[0];
      const suspendedDays = (Date.parse(`${shanghaiDateOf(rejectedAt)}T00:00:00Z`) - Date.parse(`${shanghaiDateOf(filedAt)}T00:00:00Z`)) / 86_400_000;
      expect(suspendedDays).toBeGreaterThanOrEqual(20);
      expect(c.activeMeasures![0]).toMatchObject({ status: 'active', periodEnd: addDays(periodEnd, suspendedDays) });
      expect(rec.calls.decisions[0].resumed).toEqual([{ code: 'DM-R6-MARKET-INDUSTRY-BAN', oldEnd: periodEnd, newEnd: addDays(periodEnd, suspendedDays), suspendedDays }]);
      // The measure is not released at its old end, and is at its new one.
      await env.sleep(Date.parse(`${addDays(periodEnd, 2)}T00:00:00+08:00`) - (await env.currentTimeMs()));
      expect(rec.calls.releases).toHaveLength(0);
      await env.sleep(Date.parse(`${addDays(periodEnd, suspendedDays + 1)}T01:00:00+08:00`) - (await env.currentTimeMs()));
      expect(rec.calls.releases).toEqual([expect.objectContaining({ code: 'DM-R6-MARKET-INDUSTRY-BAN', reason: 'period_end' })]);
      await stop(handle);
    });
  });

  it('R11: an upheld objection must be followed by the AUTHORITY releasing within 3 working days; late is overdue, the release closes it', async () => {
    const rec = recordingActivities([], 100);
    const taskQueue = 'ts-r11-upheld';
    await withWorker(taskQueue, rec.activities, async () => {
      const { handle } = await inForce('ts-r11-upheld', taskQueue, rec);
      await handle.signal(objectionFiledSignal, { objectionId: 'O2', caseId: 'r11', by: 'credit-1', reason: '诉讼中', at: await now() });
      // Verification has 15 working days: at most 3 weeks plus holidays; none pass here.
      await env.sleep('2 days');
      await handle.signal(objectionDecidedSignal, { objectionId: 'O2', caseId: 'r11', outcome: 'upheld', by: 'credit-1', reason: '法院判决撤销处罚决定', at: await now() });
      await env.sleep('1 hour');
      const o = (await handle.query(targetStateQuery)).cases[0].objection!;
      expect(o).toMatchObject({ outcome: 'upheld', releasedOn: null });
      expect(rec.calls.overdue.filter((x) => x.step === 'objection_verification')).toHaveLength(0);
      await env.sleep(o.releaseDue!.dueAtMs - (await env.currentTimeMs()) + 3_600_000);
      expect(rec.calls.overdue).toEqual([expect.objectContaining({ step: 'objection_release', rule: 'R11', dueAt: o.releaseDue!.dueAt })]);
      await handle.signal(caseReleasedSignal, { caseId: 'r11', by: 'authority-1', reason: 'objection', at: await now() });
      await env.sleep('1 hour');
      expect(rec.calls.releases).toEqual([expect.objectContaining({ code: 'DM-R6-MARKET-INDUSTRY-BAN', reason: 'objection' })]);
      expect(rec.calls.objectionReleases).toHaveLength(1);
      const c = (await handle.query(targetStateQuery)).cases[0];
      expect(c.activeMeasures![0]).toMatchObject({ status: 'released', releaseReason: 'objection' });
      // A released measure has no period end to wait for.
      await env.sleep('200 days');
      expect(rec.calls.releases).toHaveLength(1);
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-objection-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });

  it('R11: an objection not answered within 15 working days is overdue for its verifier', async () => {
    const rec = recordingActivities([], 100);
    const taskQueue = 'ts-r11-late';
    await withWorker(taskQueue, rec.activities, async () => {
      const { handle } = await inForce('ts-r11-late', taskQueue, rec);
      await handle.signal(objectionFiledSignal, { objectionId: 'O3', caseId: 'r11', by: 'credit-1', reason: '异议', at: await now() });
      await env.sleep('30 days');
      expect(rec.calls.overdue).toEqual([expect.objectContaining({ step: 'objection_verification', rule: 'R11', responsibleAgencyId: 'credit-1' })]);
      await stop(handle);
    });
  });
});

describe('R12 credit repair (time skipping)', () => {
  const now = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());

  /** One case, two measures for one implementer, in force from now for 365 days. */
  async function twoMeasures(workflowId: string, taskQueue: string) {
    const start = new Date(await env.currentTimeMs()).toISOString();
    const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
      workflowId, taskQueue, args: [{ targetId: `E${workflowId}`, kind: 'enterprise' }],
      signal: caseFiledSignal, signalArgs: [filed('r12', new Date(start))],
    });
    await handle.signal(implementersSelectedSignal, {
      caseId: 'r12', by: 'authority-1', at: start, implementers: [{ agencyId: 'approval', measures: ['FREE', 'HELD'] }],
    });
    await handle.signal(acknowledgedSignal, { caseId: 'r12', agencyId: 'approval', at: start });
    const state = await eventually(async () => {
      const st = await handle.query(targetStateQuery);
      expect(st.cases[0].activeMeasures).toHaveLength(2);
      return st;
    });
    return { handle, activeFrom: state.cases[0].activeMeasures![0].activeFrom };
  }

  it('R12: an approved repair stops publicity and releases at once, except a measure whose legal minimum has not ended, released when it ends', async () => {
    const rec = recordingActivities([], 365);
    rec.minimumDays.HELD = 60;
    const taskQueue = 'ts-r12-minimum';
    await withWorker(taskQueue, rec.activities, async () => {
      const { handle, activeFrom } = await twoMeasures('ts-r12-minimum', taskQueue);
      await env.sleep('10 days');
      await handle.signal(repairFiledSignal, { repairId: 'R1', caseId: 'r12', by: 'credit-1', commitment: null, at: await now() });
      await env.sleep('5 days');
      await handle.signal(repairDecidedSignal, { repairId: 'R1', caseId: 'r12', outcome: 'approved', by: 'credit-1', reason: '已整改', at: await now() });
      await env.sleep('1 hour');
      expect(rec.calls.releases.map((r) => [r.code, r.reason])).toEqual([['FREE', 'repair']]);
      expect(rec.calls.repairDecisions[0]).toMatchObject({ releasedNow: ['FREE'], deferred: [{ code: 'HELD', until: addDays(activeFrom, 60) }] });
      const held = (await handle.query(targetStateQuery)).cases[0].activeMeasures!.find((m) => m.code === 'HELD')!;
      expect(held).toMatchObject({ status: 'active', periodEnd: addDays(activeFrom, 60) });
      await env.sleep(Date.parse(`${addDays(activeFrom, 61)}T01:00:00+08:00`) - (await env.currentTimeMs()));
      expect(rec.calls.releases.map((r) => [r.code, r.reason])).toEqual([['FREE', 'repair'], ['HELD', 'repair']]);
      expect(Date.parse(rec.calls.releases[1].at)).toBeGreaterThanOrEqual(Date.parse(`${addDays(activeFrom, 61)}T00:00:00+08:00`));
      await stop(handle);
    });
  });

  it('R12: a repair accepted on a dated commitment (容缺受理) is revoked when the commitment is broken, and the measures are in force again', async () => {
    const rec = recordingActivities([], 365);
    rec.minimumDays.HELD = 60;
    const taskQueue = 'ts-r12-commitment';
    await withWorker(taskQueue, rec.activities, async () => {
      const { handle, activeFrom } = await twoMeasures('ts-r12-commitment', taskQueue);
      const dueOn = addDays(shanghaiDateOf(await env.currentTimeMs()), 20);
      await handle.signal(repairFiledSignal, { repairId: 'R2', caseId: 'r12', by: 'credit-1', commitment: { materials: '整改报告原件', dueOn }, at: await now() });
      await env.sleep('2 days');
      await handle.signal(repairDecidedSignal, { repairId: 'R2', caseId: 'r12', outcome: 'approved', by: 'credit-1', reason: '容缺受理', at: await now() });
      await env.sleep(Date.parse(`${addDays(dueOn, 1)}T01:00:00+08:00`) - (await env.currentTimeMs()));
      expect(rec.calls.commitments).toEqual([expect.objectContaining({ repairId: 'R2', kept: false, reinstated: ['FREE'] })]);
      const c = (await handle.query(targetStateQuery)).cases[0];
      expect(c.repair).toMatchObject({ outcome: 'approved', revokedOn: dueOn });
      expect(c.activeMeasures!.map((m) => [m.code, m.status, m.periodEnd])).toEqual([
        ['FREE', 'active', addDays(activeFrom, 365)], ['HELD', 'active', addDays(activeFrom, 365)],
      ]);
      // HELD is no longer released at its legal minimum: the repair that would have done so is revoked.
      await env.sleep('60 days');
      expect(rec.calls.releases.map((r) => r.code)).toEqual(['FREE']);
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-repair-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });

  it('R12: a kept commitment keeps the repair; a review not decided within 15 working days is overdue', async () => {
    const rec = recordingActivities([], 365);
    const taskQueue = 'ts-r12-kept';
    await withWorker(taskQueue, rec.activities, async () => {
      const { handle } = await twoMeasures('ts-r12-kept', taskQueue);
      const dueOn = addDays(shanghaiDateOf(await env.currentTimeMs()), 40);
      await handle.signal(repairFiledSignal, { repairId: 'R3', caseId: 'r12', by: 'credit-1', commitment: { materials: '审计报告', dueOn }, at: await now() });
      await env.sleep('30 days');
      expect(rec.calls.overdue).toEqual([expect.objectContaining({ step: 'repair_review', rule: 'R12', responsibleAgencyId: 'credit-1' })]);
      await handle.signal(repairDecidedSignal, { repairId: 'R3', caseId: 'r12', outcome: 'approved', by: 'credit-1', reason: '逾期后通过', at: await now() });
      await env.sleep('1 day');
      await handle.signal(commitmentFulfilledSignal, { repairId: 'R3', caseId: 'r12', at: await now() });
      await env.sleep('30 days');
      expect(rec.calls.commitments).toEqual([expect.objectContaining({ kept: true })]);
      expect((await handle.query(targetStateQuery)).cases[0].activeMeasures!.every((m) => m.status === 'released')).toBe(true);
      await stop(handle);
    });
  });
});

describe('long life (time skipping)', () => {
  it('continue-as-new keeps every case, deadline and message: a new run with the same id holds the whole state', async () => {
    const rec = recordingActivities();
    const taskQueue = 'ts-can';
    await withWorker(taskQueue, rec.activities, async () => {
      const start = await env.currentTimeMs();
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-can', taskQueue,
        args: [{ targetId: 'Ets-can', kind: 'enterprise', historyLimit: 25 }],
        signal: caseFiledSignal, signalArgs: [filed('can-1', new Date(start))],
      });
      const firstRun = (await handle.describe()).runId;
      for (let i = 2; i <= 8; i += 1) {
        await handle.signal(caseFiledSignal, filed(`can-${i}`, new Date(start)));
        await env.sleep('1 minute');
      }
      await handle.signal(caseReceivedSignal, { caseId: 'can-3', by: 'authority-1', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
      const state = await eventually(async () => {
        const st = await handle.query(targetStateQuery);
        expect(st.cases.map((c) => c.caseId)).toEqual(['can-1', 'can-2', 'can-3', 'can-4', 'can-5', 'can-6', 'can-7', 'can-8']);
        expect(st.cases.find((c) => c.caseId === 'can-3')!.status).toBe('received');
        return st;
      });
      const description = await handle.describe();
      expect(description.runId).not.toBe(firstRun); // continued as new at least once
      expect(description.historyLength).toBeLessThan(60);
      expect(rec.calls.cases).toHaveLength(8); // each case recorded once, across runs
      // The deadlines survive too: the cases still unreceived fall overdue in the new run.
      await env.sleep('8 days');
      expect(rec.calls.overdue.map((o) => o.caseId).sort()).toEqual(['can-1', 'can-2', 'can-4', 'can-5', 'can-6', 'can-7', 'can-8']);
      expect(state.cases[0].receiptDue).not.toBeNull();
      await stop(handle);
    });
  });
});
