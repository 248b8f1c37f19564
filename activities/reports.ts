// R9: the monthly report's fan-out: which targets still owe it, and that it reached them all.
import { markDelivered, owingTargets } from '../db/queries/reports';
import type { ActivityDeps } from './support';

export function createReportActivities({ db }: ActivityDeps) {
  return {
    /** One page of the targets whose report on the month this implementer still owes. */
    async reportOwingTargets(input: { implementerId: string; month: string; after: string; limit: number }) {
      return owingTargets(db, input.implementerId, input.month, input.after, input.limit);
    },

    async recordReportDelivered(input: { implementerId: string; month: string; delivered: number; at: string }): Promise<void> {
      await markDelivered(db, input.implementerId, input.month, input.delivered, new Date());
    },
  };
}
