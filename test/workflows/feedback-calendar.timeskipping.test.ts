// R9 with R16 in the workflow, in a time-skipping environment of its own (its clock starts
// now and is moved to September 2027): the report on September is due on the first working day
// after the National Day holiday, and the report on December across the year end on 7 January.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YearSchedule } from '../../domain/working-days';
import {
  acknowledgedSignal, caseFiledSignal, feedbackReportedSignal, implementersSelectedSignal, targetStateQuery,
  type CaseFiled,
} from '../../workflows/messages';
import type { targetWorkflow } from '../../workflows/target';
import { startTimeSkipping, workflowBundle } from '../support/engine';
import { eventually } from '../support/eventually';
import { recordingActivities } from '../support/mock-activities';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});

/** A schedule for 2027 as a test fixture: National Day 10/1–10/7 off (the 7th included). */
const fixture2027: YearSchedule = {
  year: 2027,
  holidays: new Map(['01', '02', '03', '04', '05', '06', '07'].map((d) => [`2027-10-${d}`, '国庆节'])),
  makeupWorkdays: new Set(),
};

describe('R9 across a holiday and a year end', () => {
  it('R9: the report on September is due after the National Day holiday, the report on December on 7 January of the next year', async () => {
    const rec = recordingActivities([fixture2027], 120, true);
    const worker = await Worker.create({
      connection: env.nativeConnection, taskQueue: 'ts-r9-calendar', workflowBundle: await workflowBundle(), activities: rec.activities,
    });
    await worker.runUntil(async () => {
      const start = Date.parse('2027-09-10T10:00:00+08:00');
      expect(await env.currentTimeMs()).toBeLessThan(start);
      await env.sleep(start - (await env.currentTimeMs()));
      const at = () => env.currentTimeMs().then((ms) => new Date(ms).toISOString());
      const filed: CaseFiled = {
        caseId: 'r9-cal', source: 'penalty_decision', consultation: false, measures: [], pushedAt: await at(),
        document: { number: '杭市管罚〔2027〕9号', issuedOn: '2027-09-09', issuer: '杭州市市场监督管理局' },
      };
      const handle = await env.client.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
        workflowId: 'target-ts-r9-cal', taskQueue: 'ts-r9-calendar', args: [{ targetId: 'Er9cal', kind: 'enterprise' }],
        signal: caseFiledSignal, signalArgs: [filed],
      });
      await handle.signal(implementersSelectedSignal, { caseId: 'r9-cal', by: 'authority-1', at: await at(), implementers: [{ agencyId: 'approval', measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] });
      await handle.signal(acknowledgedSignal, { caseId: 'r9-cal', agencyId: 'approval', at: await at() });
      await eventually(async () => expect((await handle.query(targetStateQuery)).feedback?.due?.due).toBe('2027-10-08'));

      // September goes unreported: overdue at the end of 10/8, not of 10/7 (a holiday).
      await env.sleep(Date.parse('2027-10-09T01:00:00+08:00') - (await env.currentTimeMs()));
      expect(rec.calls.overdue.map((o) => [o.step, o.dueAt])).toEqual([['feedback:2027-09:approval', '2027-10-09T00:00:00+08:00']]);
      await handle.signal(feedbackReportedSignal, { month: '2027-09', implementerId: 'approval', summary: '补报', at: await at() });

      // October and November are reported on time; December's report falls due across the year end.
      for (const month of ['2027-10', '2027-11']) {
        await handle.signal(feedbackReportedSignal, { month, implementerId: 'approval', summary: '按月报送', at: await at() });
      }
      await env.sleep(Date.parse('2028-01-05T10:00:00+08:00') - (await env.currentTimeMs()));
      const state = await handle.query(targetStateQuery);
      expect(state.feedback).toMatchObject({ month: '2027-12', due: expect.objectContaining({ due: '2028-01-07', provisional: true }) });
      expect(rec.calls.feedbackDue).toEqual(['2027-09', '2027-10', '2027-11', '2027-12']);
      expect(rec.calls.overdue.filter((o) => o.step.startsWith('feedback:'))).toHaveLength(1);
      await handle.terminate('test done');
    });
  });
});
