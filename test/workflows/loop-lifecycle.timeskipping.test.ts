// The life of a target's workflow in the Java time-skipping server: only the agency that stands
// to a case acts on it, a retried action is applied once and answers the same (across runs
// too), continue-as-new keeps everything, and a closed loop completes the run.
import { describe, expect, it } from 'vitest';
import { recordHistory } from '../support/histories';
import { AUTHORITY, pinned, refusal } from '../support/target-driver';
import { recordingActivities } from '../support/mock-activities';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';

describe('who may act, retries, long life (time skipping)', () => {
  it('R5: an action by an agency that does not stand to the case is forbidden by the workflow, whatever its role', () =>
    suite.withTarget('who', async (t) => {
      await t.file('C1');
      expect(await refusal(t.act('receiveCase', { caseId: 'C1', actor: 'ag-another-authority' })))
        .toEqual({ type: 'ActionForbidden', message: 'only the AUTHORITY this case is addressed to may do this' });
      await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
      expect((await refusal(t.act('acknowledge', { caseId: 'C1', actor: 'ag-stranger' }))).type).toBe('ActionForbidden');
      expect(await refusal(t.act('fileObjection', { caseId: 'C1', actor: 'ag-credit', objectionId: 'O1', reason: '异议' })))
        .toEqual({ type: 'ActionForbidden', message: 'only the agency that filed this case may do this' });
      expect((await refusal(t.act('fileRepair', { caseId: 'C1', actor: AUTHORITY, repairId: 'R1', commitment: null }))).type).toBe('ActionForbidden');
      expect(t.rec.calls.recordObjection).toHaveLength(0);
    }));

  it('R5: a retried action (the same Update id) is applied once and answers what it answered the first time', () =>
    suite.withTarget('retry', async (t) => {
      await t.file('C1');
      const first = await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY, fingerprint: 'f1' }, 'ag-authority/key-1');
      const again = await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY, fingerprint: 'f1' }, 'ag-authority/key-1');
      expect(again).toEqual(first);
      expect(t.rec.calls.recordReceipt).toHaveLength(1);
      // Another key is another action: refused by the state.
      expect(await refusal(t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY }, 'ag-authority/key-2')))
        .toEqual({ type: 'ActionRefused', message: 'the case has already been received' });
    }));

  it('continue-as-new keeps every case, step and remembered action: a retry on the new run answers the same', () =>
    suite.withTarget('can', async (t) => {
      await t.file('C1');
      const firstRun = (await t.handle().describe()).runId;
      const first = await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY, fingerprint: 'f1' }, 'ag-authority/key-can');
      for (let i = 2; i <= 8; i += 1) await t.file(`C${i}`);
      const st = await t.state();
      expect(st.cases.map((c) => c.caseId)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8']);
      expect((await t.handle().describe()).runId).not.toBe(firstRun);
      expect(t.rec.calls.recordCase).toHaveLength(8); // each case recorded once, across runs
      // The key reaches the new run: another request under it is refused; the retry is answered
      // from what the workflow remembers, and applied once.
      expect((await refusal(t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY, fingerprint: 'f2' }, 'ag-authority/key-can'))).type)
        .toBe('IdempotencyKeyReused');
      expect((await refusal(t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY, fingerprint: 'f1' }, 'ag-authority/key-can-2'))).message)
        .toBe('the case has already been received');
      expect(await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY, fingerprint: 'f1' }, 'ag-authority/key-can')).toEqual(first);
      expect(t.rec.calls.recordReceipt).toHaveLength(1);
      // The deadlines survive too: the cases still unreceived fall overdue in the new run.
      await suite.env().sleep('8 days');
      const receipts = t.rec.calls.recordOverdue.filter((o) => o.step.kind === 'receipt').map((o) => o.step.caseId).sort();
      expect(receipts).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8']);
    }, recordingActivities(), { historyLimit: 40 }));

  it('R10: when every measure is released and no step is owed the run completes; a new case starts a new run with the same id', () =>
    suite.withTarget('closed', async (t) => {
      await t.file('C1', { measures: [pinned('DM-A', { period: { days: 3 }, feedbackSet: false })] });
      await t.deliver('C1');
      await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
      await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
      const firstRun = (await t.handle().describe()).runId;
      await suite.env().sleep('5 days');
      expect(t.rec.calls.recordTargetClosed).toHaveLength(1);
      expect((await t.handle().describe()).status.name).toBe('COMPLETED');
      // An action on the closed run cannot land anywhere.
      await expect(t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY })).rejects.toThrow(/not found|completed/i);
      const second = await t.file('C2');
      expect(second.caseId).toBe('C2');
      const run = await t.handle().describe();
      expect(run.runId).not.toBe(firstRun);
      expect(run.status.name).toBe('RUNNING');
      expect((await t.state()).cases.map((c) => c.caseId)).toEqual(['C2']);
      await recordHistory(t.handle(), 'target-new-run');
      await recordHistory(suite.env().client.workflow.getHandle(t.workflowId, firstRun), 'target-closed');
    }));
});
