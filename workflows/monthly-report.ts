// R9: an implementer's monthly report, made once for all its targets (POST /reports), reaches
// every target that owes it: page by page, each by a signal the target's history keeps, so a
// crash or restart half-way resumes where it stopped. Workflow code: deterministic.
import { continueAsNew, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { acts } from './activities';
import { monthlyReportSignal, type MonthlyReportInput } from './messages';

const PAGE = 200;
const AT_ONCE = 20;

export async function monthlyReportWorkflow(input: MonthlyReportInput): Promise<{ delivered: number }> {
  const { implementerId, month, at } = input;
  let after = input.after ?? '';
  let delivered = input.delivered ?? 0;
  for (;;) {
    const page = await acts.reportOwingTargets({ implementerId, month, after, limit: PAGE });
    for (let i = 0; i < page.length; i += AT_ONCE) {
      const sent = await Promise.all(page.slice(i, i + AT_ONCE).map((t) => getExternalWorkflowHandle(t.workflowId)
        .signal(monthlyReportSignal, { implementerId, month, at })
        // A target whose run has ended owes nothing any more.
        .then(() => 1, () => 0)));
      delivered += sent.reduce((a, b) => a + b, 0);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1].targetId;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof monthlyReportWorkflow>({ ...input, after, delivered });
    }
  }
  await acts.recordReportDelivered({ implementerId, month, delivered, at });
  return { delivered };
}
