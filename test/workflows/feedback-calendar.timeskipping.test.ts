// R9 with R16 in the workflow, in a time-skipping environment of its own (its clock starts now
// and is moved to September 2027): the report on September is due on the first working day after
// the National Day holiday, and the report on December across the year end on 7 January.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YearSchedule } from '../../domain/working-days';
import { startTimeSkipping, workflowBundle } from '../support/engine';
import { recordingActivities } from '../support/mock-activities';
import { AUTHORITY, pinned, targetDriver } from '../support/target-driver';

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
    const rec = recordingActivities([fixture2027]);
    const worker = await Worker.create({
      connection: env.nativeConnection, taskQueue: 'ts-r9-calendar', workflowBundle: await workflowBundle(), activities: rec.activities,
    });
    const t = targetDriver(env, 'ts-r9-calendar', 'Er9cal');
    await worker.runUntil(async () => {
      const start = Date.parse('2027-09-10T10:00:00+08:00');
      expect(await env.currentTimeMs()).toBeLessThan(start);
      await env.sleep(start - (await env.currentTimeMs()));
      await t.file('r9-cal', { measures: [pinned('DM-A', { period: { days: 120 } })] });
      await t.deliver('r9-cal');
      await t.act('pushToImplementers', { caseId: 'r9-cal', actor: AUTHORITY, implementers: [{ agencyId: 'approval', kind: 'approval_agency', measures: ['DM-A'] }] });
      const ack = await t.act('acknowledge', { caseId: 'r9-cal', actor: 'approval' });
      expect(ack.opened).toEqual([expect.objectContaining({ kind: 'feedback', month: '2027-09', dueOn: '2027-10-08', rule: 'R9' })]);

      // September goes unreported: overdue at the end of 10/8, not of 10/7 (a holiday).
      await env.sleep(Date.parse('2027-10-09T01:00:00+08:00') - (await env.currentTimeMs()));
      expect(rec.calls.recordOverdue.map((o) => [o.step.key, o.step.due.dueAt])).toEqual([['feedback/2027-09/approval', '2027-10-09T00:00:00+08:00']]);
      await t.act('reportFeedback', { month: '2027-09', summary: '补报', actor: 'approval' });
      // October is reported in October, November in November.
      await t.act('reportFeedback', { month: '2027-10', summary: '按月报送', actor: 'approval' });
      await env.sleep(Date.parse('2027-11-10T10:00:00+08:00') - (await env.currentTimeMs()));
      await t.act('reportFeedback', { month: '2027-11', summary: '按月报送', actor: 'approval' });

      await env.sleep(Date.parse('2028-01-05T10:00:00+08:00') - (await env.currentTimeMs()));
      const december = (await t.state()).steps.find((s) => s.kind === 'feedback' && s.month === '2027-12')!;
      expect(december.due).toMatchObject({ due: '2028-01-07', provisional: true });
      expect(rec.calls.openFeedbackMonth.map((c) => c.month)).toEqual(['2027-10', '2027-11', '2027-12', '2028-01']);
      expect(rec.calls.recordOverdue.filter((o) => o.step.kind === 'feedback')).toHaveLength(1);
      await t.handle().terminate('test done');
    });
  });
});
