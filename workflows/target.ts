// One long-lived workflow per disciplinary target (enterprise or person). It holds every
// case against the target; causes arrive by signal-with-start, deadlines are timers.
import {
  condition, continueAsNew, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  caseFiledSignal, caseReceivedSignal, targetStateQuery,
  type CaseFiled, type CaseReceived, type TargetMessage, type TargetWorkflowInput,
} from './messages';
import { openStepsKey } from './search-attributes';
import { TargetBook, type OpenDeadline } from './target-state';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** R5: the AUTHORITY receives a pushed case within 3 working days (收到后3个工作日内). */
export const RECEIPT_WORKING_DAYS = 3;

export async function targetWorkflow(input: TargetWorkflowInput): Promise<void> {
  const book = input.state ? new TargetBook(input.state) : TargetBook.open(input.targetId, input.kind);
  const inbox: TargetMessage[] = [...(input.pending ?? [])];
  const workflowId = workflowInfo().workflowId;
  let openSteps = -1;

  setHandler(caseFiledSignal, (body) => void inbox.push({ type: 'caseFiled', body }));
  setHandler(caseReceivedSignal, (body) => void inbox.push({ type: 'caseReceived', body }));
  setHandler(targetStateQuery, () => book.state);

  async function caseFiled(filed: CaseFiled): Promise<void> {
    if (book.has(filed.caseId)) return;
    const due = await acts.computeDeadline({ after: filed.pushedAt, workingDays: RECEIPT_WORKING_DAYS });
    const c = book.addCase(filed, {
      due: due.due, dueAt: due.dueAt, dueAtMs: due.dueAtMs, provisional: due.provisional,
    });
    await acts.recordCase({ workflowId, targetId: book.state.targetId, filed, receiptDueAt: c.receiptDue?.dueAt ?? null });
  }

  async function caseReceived(received: CaseReceived): Promise<void> {
    if (!book.receive(received)) return;
    await acts.recordReceipt({ workflowId, targetId: book.state.targetId, ...received });
  }

  async function overdue(deadline: OpenDeadline): Promise<void> {
    book.markOverdue(deadline);
    await acts.recordOverdue({
      workflowId, targetId: book.state.targetId, caseId: deadline.caseId,
      step: deadline.step, rule: deadline.rule, dueAt: deadline.dueAt,
      detectedAt: new Date().toISOString(),
    });
  }

  for (;;) {
    while (inbox.length > 0) {
      const message = inbox.shift()!;
      if (message.type === 'caseFiled') await caseFiled(message.body);
      else await caseReceived(message.body);
    }
    if (book.openSteps() !== openSteps) {
      openSteps = book.openSteps();
      upsertSearchAttributes([{ key: openStepsKey, value: openSteps }]);
    }

    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof targetWorkflow>({
        targetId: book.state.targetId, kind: book.state.kind, state: book.state, pending: inbox,
      });
    }

    const next = book.nextDeadline();
    if (!next) {
      await condition(() => inbox.length > 0);
    } else if (!(await condition(() => inbox.length > 0, Math.max(0, next.dueAtMs - Date.now())))) {
      await overdue(next);
    }
  }
}
