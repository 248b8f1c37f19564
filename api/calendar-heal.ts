// R16 Provisional deadlines heal when their year is loaded: every running target whose search
// attribute lists the year is told, and recomputes through an activity (recorded in history).
import type { Client } from '@temporalio/client';
import { calendarChangedSignal } from '../workflows/messages';
import { provisionalYearsKey } from '../workflows/search-attributes';

export async function tellProvisionalTargets(client: Client, years: number[], reason: string): Promise<{ notified: number }> {
  const anyYear = years.map((y) => `${provisionalYearsKey.name} = '${y}'`).join(' OR ');
  const query = `ExecutionStatus = 'Running' AND (${anyYear})`;
  let notified = 0;
  for await (const execution of client.workflow.list({ query })) {
    await client.workflow.getHandle(execution.workflowId).signal(calendarChangedSignal, { years, reason });
    notified += 1;
  }
  return { notified };
}
