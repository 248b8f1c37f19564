// The target workflow in the Java time-skipping test server: deadlines of days pass in
// seconds of wall time. Activities are typed recorders; the calendar is the real pure one.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFiledSignal, caseReceivedSignal, targetStateQuery, type CaseFiled } from '../../workflows/messages';
import type { targetWorkflow } from '../../workflows/target';
import { recordingActivities } from '../support/mock-activities';
import { startTimeSkipping, workflowBundle } from '../support/engine';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkipping();
});

afterAll(async () => {
  await env?.teardown();
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
      await handle.terminate('test done');
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
      await handle.terminate('test done');
    });
  });
});
