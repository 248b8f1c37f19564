// R14 on R9 in the Java time-skipping test server, on a server of its own: an implementer that
// never reports is reminded every 2 working days until the report arrives, and the month's
// timer walks on. (The benchmark's simulated year found these reminders routed to the month's
// due date instead; PATCH_FEEDBACK_REMINDER_ROUTED.)
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgedSignal, caseFiledSignal, feedbackReportedSignal, implementersSelectedSignal, targetStateQuery, type CaseFiled,
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
  await env?.client.workflow.getHandle('target-ts-r9-remind').terminate('test ended').catch(() => undefined);
  await env?.teardown();
});

async function stop(handle: { terminate(reason: string): Promise<unknown> }): Promise<void> {
  await handle.terminate('test done').catch(() => undefined);
}

function filed(caseId: string, pushedAt: Date): CaseFiled {
  return {
    caseId, source: 'penalty_decision', consultation: false, measures: [], pushedAt: pushedAt.toISOString(),
    document: { number: `杭市管罚〔2026〕${caseId}号`, issuedOn: '2026-03-02', issuer: '杭州市市场监督管理局' },
  };
}

async function withWorker<T>(taskQueue: string, activities: object, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn);
}

describe('R14 on R9: reminders of a missing report (time skipping)', () => {
  it('R14: a missing monthly report is reminded every 2 working days until it arrives; the month timer stays on the next month', async () => {
    const rec = recordingActivities([], null, true);
    const taskQueue = 'ts-r9-remind';
    await withWorker(taskQueue, rec.activities, async () => {
      const at = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-r9-remind', taskQueue,
        args: [{ targetId: 'Ets-r9-remind', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed('r9r', new Date(await env.currentTimeMs()))],
      });
      // One message at a time, each taken before the next (the Java test server mishandles a
      // workflow task completed while new messages pile up under load).
      await eventually(async () => expect((await handle.query(targetStateQuery)).cases).toHaveLength(1));
      await handle.signal(implementersSelectedSignal, {
        caseId: 'r9r', by: 'authority-1', at: await at(), implementers: [{ agencyId: 'association', measures: ['DM-R8-ASSOC-CRITICISM'] }],
      });
      await eventually(async () => expect(rec.calls.implementers).toHaveLength(1));
      await handle.signal(acknowledgedSignal, { caseId: 'r9r', agencyId: 'association', at: await at() });
      const first = await eventually(async () => {
        const f = (await handle.query(targetStateQuery)).feedback;
        expect(f?.due).toBeTruthy();
        return f!;
      });
      // Past the due date and two weeks more, with no report.
      await env.sleep(first.due!.dueAtMs - (await env.currentTimeMs()) + 14 * 86_400_000);
      const step = `feedback:${first.month}:association`;
      expect(rec.calls.overdue.filter((o) => o.step === step)).toHaveLength(1);
      const reminders = rec.calls.escalations.filter((e) => e.step === step);
      // 14 calendar days hold at least 8 working days on the provisional calendar: 4 reminders or more.
      expect(reminders.length).toBeGreaterThanOrEqual(4);
      expect(reminders.map((r) => r.reminder)).toEqual(reminders.map((_, i) => i + 1));
      expect(reminders[0]).toMatchObject({ rule: 'R9', responsibleAgencyId: 'association' });
      // The month's due date was asked once per month, never again for the month already due.
      expect(rec.calls.feedbackDue.filter((m) => m === first.month)).toHaveLength(1);
      const state = await handle.query(targetStateQuery);
      expect(state.feedback!.month! > first.month!).toBe(true);
      expect(state.feedback!.due!.dueAtMs).toBeGreaterThan(await env.currentTimeMs());
      // The report arrives: the reminders stop.
      await handle.signal(feedbackReportedSignal, { month: first.month!, implementerId: 'association', summary: '补报', at: await at() });
      await eventually(async () => expect(rec.calls.reports).toHaveLength(1));
      const sent = rec.calls.escalations.filter((e) => e.step === step).length;
      await env.sleep('6 days');
      expect(rec.calls.escalations.filter((e) => e.step === step)).toHaveLength(sent);
      // A handful of events per reminder, not a loop of zero-length timers.
      expect((await handle.describe()).historyLength).toBeLessThan(400);
      if (process.env.RECORD_HISTORIES) {
        writeFileSync(new URL(`../histories/target-feedback-reminders-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
      }
      await stop(handle);
    });
  });
});
