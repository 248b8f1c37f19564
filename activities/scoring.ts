// R15 Tiered lists by score: what the target's policy gives on a day, from the acts recorded in
// PostgreSQL (the pure evaluator, domain/scoring/), with the case a new listing files (its
// measures pinned from the lists in effect that day, R1); and the record of a tier change: the
// journal, the released case of an ended listing, the implementers and the AUTHORITY told.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { measureInEffect } from '../db/measures';
import { actsOf, evaluatorAct, policyForTarget, type ActRow } from '../db/queries/scoring';
import { cases, targets } from '../db/schema';
import { pinTierMeasure, type ListingEnd, type TierEvaluation, type TierFiling, type TierListingView } from '../domain/loop/tiers';
import type { PinnedMeasure } from '../domain/measures';
import { periodEnd } from '../domain/periods';
import { scoreAt, tierChanges, type ScoringPolicy } from '../domain/scoring';
import type { Listing } from '../domain/scoring/listings';
import { releaseMeasures } from './implementation';
import { notify } from './notices';
import { applyStepChanges, writeJournal, type ActivityDeps, type TargetRef } from './support';

/** How far ahead the next tier change is looked for (validity periods are years, not decades). */
const HORIZON = { years: 30 } as const;

type Tx = Parameters<typeof writeJournal>[0];

/** Why a listing started, in a supervisor's words. */
function causeOf(l: Listing): string {
  return l.cause.kind === 'points'
    ? `计分 ${l.cause.score} 分，达到 ${l.cause.threshold} 分（${l.cause.thresholdSource}）`
    : `${l.cause.reason}（${l.cause.escalationId}，${l.cause.source}）`;
}

/** The agency that recorded the act behind a listing: the one whose information listed the target. */
function originatorOf(l: Listing, rows: ActRow[]): string {
  const causeAct = l.cause.kind === 'points' ? l.cause.actIds[l.cause.actIds.length - 1] : l.cause.actId;
  const byId = rows.find((r) => r.id === causeAct);
  const latest = [...rows].reverse().find((r) => r.date <= l.from) ?? rows[rows.length - 1];
  return (byId ?? latest).recordedBy;
}

/** R15: the tier's measures as the lists (R1) have them on `on` (domain/loop/tiers.ts pinTierMeasure). */
async function tierMeasures(tx: Tx, policy: ScoringPolicy, l: Listing, targetKind: 'enterprise' | 'person', on: string) {
  const tier = policy.tiers.find((t) => t.code === l.tier)!;
  const validity = tier.validity.kind === 'fixed' ? tier.validity.length : null;
  const measures: PinnedMeasure[] = [];
  const skipped: { code: string; reason: string }[] = [];
  for (const code of tier.measures.codes) {
    const pin = pinTierMeasure(code, await measureInEffect(tx, code, on), targetKind, validity, l.until);
    if ('pinned' in pin) measures.push(pin.pinned);
    else skipped.push(pin.skipped);
  }
  return { measures, skipped };
}

export function createScoringActivities({ db, calendar }: ActivityDeps) {
  return {
    /**
     * R15: the target's score and listing on `through` under the version it is scored under, the
     * listings ended by then, and the next day the tier changes if nothing more is recorded. A
     * listing in force that the workflow has not carried out (`applied`) comes with its case.
     */
    async evaluateTiers(input: TargetRef & { through: string; applied: string[] }): Promise<TierEvaluation> {
      const { through } = input;
      const found = await policyForTarget(db, input.targetId, through);
      if (!found) return { policy: null, through, score: 0, current: null, ended: [], nextChangeOn: null };
      const policy = found.row.document;
      const rows = (await actsOf(db, input.targetId)).filter((r) => r.policyId === policy.id);
      const acts = rows.map(evaluatorAct);
      const known = tierChanges(policy, acts, through);
      const ahead = tierChanges(policy, acts, periodEnd(through, HORIZON));
      const key = (l: Listing) => `${policy.id}@${found.row.version}/${l.tier}/${l.from}`;
      const label = (tier: string) => policy.tiers.find((t) => t.code === tier)!.label;
      const view = (l: Listing): TierListingView => ({ key: key(l), tier: l.tier, label: label(l.tier), from: l.from, until: l.until, cause: causeOf(l) });
      const current = known.listings.find((l) => l.ended === null) ?? null;

      let filing: TierFiling | null = null;
      if (current && !input.applied.includes(key(current))) {
        const caseId = `S${createHash('sha256').update(`${input.targetId}/${key(current)}`).digest('hex').slice(0, 24)}`;
        const [target] = await db.select({ kind: targets.kind }).from(targets).where(eq(targets.id, input.targetId));
        const [existing] = await db.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId));
        filing = {
          caseId, actor: originatorOf(current, rows), authorityId: found.row.authorityId, alreadyFiled: Boolean(existing),
          notice: policy.tiers.find((t) => t.code === current.tier)?.notice?.document ?? null,
          document: { number: `${label(current.tier)}（计分，${current.from} 起）`, issuedOn: current.from, issuer: policy.title, kind: null },
          ...await tierMeasures(db, policy, current, target.kind, through),
        };
      }
      return {
        policy: { id: policy.id, version: found.row.version, title: policy.title },
        through,
        score: scoreAt(policy, acts, through).score,
        current: current && { ...view(current), filing },
        ended: known.listings.filter((l) => l.ended).map((l) => ({ ...view(l), lastDay: l.ended!.lastDay, reason: l.ended!.reason })),
        nextChangeOn: ahead.changes.find((c) => c.on > through)?.on ?? null,
      };
    },

    /**
     * R15: the tier changed. An ended listing's case is released when the workflow released it
     * (its measures, publicity, the implementers told; its steps no longer owed); a new listing is
     * journaled with its cause before its case is filed.
     */
    async recordTierChange(input: TargetRef & {
      at: string; actor: string | null; policy: TierEvaluation['policy']; score: number;
      ended: { key: string; tier: string; label: string; from: string; caseId: string | null; lastDay: string; reason: ListingEnd; caseReleased: boolean; released: string[]; superseded: string[] }[];
      started: (TierListingView & { filing: TierFiling | null }) | null;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        for (const e of input.ended) {
          const eventKey = `${input.workflowId}/tier/${e.key}/ended`;
          if (e.caseId && e.caseReleased) {
            await applyStepChanges(tx, await calendar(tx), input, { superseded: e.superseded, at: input.at, actor: null });
            await tx.update(cases).set({ status: 'released', updatedAt: at }).where(eq(cases.id, e.caseId));
            await releaseMeasures(tx, { ...input, caseId: e.caseId }, e.released, e.reason === 'expired' ? 'period_end' : 'tier_ended');
            const [c] = await tx.select({ authorityId: cases.authorityId, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, e.caseId));
            await notify(tx, {
              eventKey, agencyIds: c?.authorityId ? [c.authorityId] : [], kind: 'tier_ended', rule: 'R15', at: input.at,
              subject: `${c?.documentNumber ?? e.key} 已结束（${e.lastDay} 止），其措施已解除`, detail: { ...e },
            });
          }
          await writeJournal(tx, {
            agencyId: null, eventKey, targetId: input.targetId, caseId: e.caseId, kind: 'tier_ended', rule: 'R15', at,
            detail: { key: e.key, tier: e.tier, label: e.label, from: e.from, lastDay: e.lastDay, reason: e.reason, released: e.released, policy: input.policy },
          });
        }
        const s = input.started;
        if (!s) return;
        await writeJournal(tx, {
          agencyId: null, eventKey: `${input.workflowId}/tier/${s.key}`, targetId: input.targetId, caseId: s.filing?.caseId ?? null,
          kind: 'tier_listed', rule: 'R15', at,
          detail: {
            key: s.key, tier: s.tier, label: s.label, from: s.from, until: s.until, cause: s.cause, score: input.score, policy: input.policy,
            measures: s.filing?.measures.map((m) => m.code) ?? [], skipped: s.filing?.skipped ?? [], by: input.actor,
          },
        });
      });
    },
  };
}
