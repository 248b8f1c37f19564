// R15 Tiered lists by score through the loop: an act recorded against the target (or the day its
// tier changes by what is already recorded) makes the workflow read the tier its policy gives
// today (an activity: the acts and the policy are in PostgreSQL). A new listing files a case
// (source score_tier) into this same loop, receipt, push, implementers, reports and release as
// for any case; a listing that ended ends its case (domain/loop/tiers.ts). Workflow code.
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { openStep } from '../../domain/loop/book';
import { endTierCase, planTiers } from '../../domain/loop/tiers';
import { deadlineOnDate } from '../../domain/working-days';
import { acts } from '../activities';
import type { ActionAnswer, CaseRecorded, ScoreTarget } from '../messages';
import { fileCase } from './intake';
import { answer, type Ctx } from './support';

/** R15: reads the target's tier on the day of `at` and carries out what changed; arms the next day it changes. */
export async function rescore(ctx: Ctx, trigger: ScoreTarget | null, at: string): Promise<ActionAnswer> {
  const { book, ref } = ctx;
  const today = shanghaiDateOf(at);
  const scoring = (book.state.scoring ??= { listings: [] });
  const evaluation = await acts.evaluateTiers({ ...ref, through: today, applied: scoring.listings.map((l) => l.key) });
  const plan = planTiers(scoring, evaluation);

  const ended = plan.end.map(({ listing, label, lastDay, reason }) => {
    listing.ended = { lastDay, reason };
    const c = listing.caseId ? book.find(listing.caseId) : undefined;
    // Run out: released as of its last day (R10); replaced or no longer reached: released today.
    const done = c ? endTierCase(book, c, reason, reason === 'expired' ? lastDay : today) : { caseReleased: false, released: [], superseded: [] };
    return { key: listing.key, tier: listing.tier, label, from: listing.from, caseId: listing.caseId, lastDay, reason, ...done };
  });
  const start = plan.start;
  if (start) {
    scoring.listings.push({ key: start.key, tier: start.tier, from: start.from, until: start.until, caseId: start.filing?.caseId ?? null, ended: null });
  }
  if (ended.length > 0 || start) {
    await acts.recordTierChange({ ...ref, at, actor: trigger?.actor ?? null, policy: evaluation.policy, score: evaluation.score, ended, started: start });
  }
  let filed: CaseRecorded | null = null;
  const filing = start?.filing;
  if (filing && !filing.alreadyFiled && filing.measures.length > 0) {
    filed = await fileCase(ctx, {
      caseId: filing.caseId, actor: filing.actor, at, source: 'score_tier', document: filing.document, receivedOn: null,
      consultation: false, consultWith: [], legalReview: null, measures: filing.measures, authorityId: filing.authorityId,
      seriousness: 'general', repeated: false, tierNotice: filing.notice,
    });
  }

  // The next day the tier changes by what is recorded: read it again at 00:00 of that day.
  book.closeSteps((s) => s.kind === 'tier_review');
  if (evaluation.nextChangeOn) {
    const lastDay = addDays(evaluation.nextChangeOn, -1);
    book.addSteps([openStep({ kind: 'tier_review', caseId: null, agencyId: null, ref: evaluation.nextChangeOn, deadline: { endOfDay: lastDay } }, deadlineOnDate(lastDay))]);
  }
  const closed = ended.flatMap((e) => e.superseded);
  return answer({ actor: trigger?.actor ?? '', at, fingerprint: trigger?.fingerprint, caseId: filed?.caseId }, 'scoreTarget', [], closed, {
    policy: evaluation.policy, score: evaluation.score, tier: evaluation.current?.tier ?? null, listing: evaluation.current && {
      key: evaluation.current.key, tier: evaluation.current.tier, label: evaluation.current.label, from: evaluation.current.from, until: evaluation.current.until,
    },
    filed: filed && { caseId: filed.caseId, opened: filed.opened }, ended: ended.map(({ superseded: _s, ...e }) => e),
    nextChangeOn: evaluation.nextChangeOn,
  });
}
