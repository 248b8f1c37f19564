// What happens when a step falls due: an obligation escalates (R14), a system timer acts itself
// (R10 period end, R12 broken commitment, R9 a new month of reports, R8 five years of publicity,
// R15 a tier change). And R16: a loaded holiday year recomputes every provisional deadline.
// Workflow code: deterministic.
import { shanghaiDateOf } from '../domain/dates';
import { isObligation } from '../domain/steps';
import { acts as anyStep, writes } from './activities';
import { timerSummary } from '../domain/engine-summaries';
import type { Timer } from '../domain/loop/book';
import { feedbackSpecs, monthEnded, syncFeedbackMonth } from '../domain/loop/feedback';
import { reinstate, release, syncPeriodEnds } from '../domain/loop/measures';
import type { CalendarChanged } from './messages';
import { rescore, type Ctx } from './actions';

const nowIso = () => new Date().toISOString();

export async function timerFired(ctx: Ctx, timer: Timer): Promise<void> {
  const { book, ref } = ctx;
  const step = book.step(timer.step.key);
  if (!step) return;
  const acts = writes(timerSummary(step, timer.reminder));
  if (isObligation(step.kind)) {
    if (!timer.reminder) {
      const { next } = await acts.recordOverdue({ ...ref, step, detectedAt: nowIso() });
      book.markOverdue(step.key, next);
    } else {
      const { next } = await acts.recordReminder({ ...ref, step, reminder: step.reminders + 1, detectedAt: nowIso() });
      book.reminded(step.key, next);
    }
    return;
  }
  // The day the timer's date ended on (its last day in Asia/Shanghai).
  const lastDay = step.due.due;
  if (step.kind === 'period_end') {
    // R10: released at 24:00 of its last day — or R12: a repair was waiting for the legal minimum.
    const c = book.caseOf(step.caseId!);
    const m = c.inForce.find((x) => x.code === step.code);
    const reason = m?.pendingRelease ? 'repair' : 'period_end';
    book.closeSteps((s) => s.key === step.key);
    if (!release(c, step.code!, reason, lastDay)) return;
    syncFeedbackMonth(book, shanghaiDateOf(Date.now()).slice(0, 7));
    await acts.releaseMeasure({ ...ref, caseId: c.caseId, code: step.code!, reason, at: nowIso() });
  } else if (step.kind === 'repair_commitment') {
    // R12: the promised materials did not arrive: the repair is revoked and the measures are back.
    const c = book.caseOf(step.caseId!);
    c.repair!.revokedOn = lastDay;
    book.closeSteps((s) => s.key === step.key);
    const reinstated = reinstate(c, lastDay);
    syncPeriodEnds(book, c);
    const month = shanghaiDateOf(Date.now()).slice(0, 7);
    const implementers = [...new Set(c.inForce.filter((m) => reinstated.includes(m.code) && m.feedbackSet).map((m) => m.implementerId))];
    const open = feedbackSpecs(book, month, implementers);
    syncFeedbackMonth(book, month);
    const { opened } = await acts.recordCommitment({
      ...ref, caseId: c.caseId, repairId: c.repair!.repairId, kept: false, reinstated, actor: null, at: nowIso(), open,
    });
    book.addSteps(opened);
  } else if (step.kind === 'publicity_expiry') {
    // R8: five years after publication the record is withdrawn and its measure released
    // (002 篇十三 第十六条 自公布之日起满五年自动撤销); the withdrawal orders follow (publicize).
    const c = book.caseOf(step.caseId!);
    const code = c.publicity.find((r) => r.recordId === step.ref)?.code;
    book.closeSteps((s) => s.key === step.key);
    if (!code || !release(c, code, 'period_end', lastDay)) return;
    syncPeriodEnds(book, c);
    syncFeedbackMonth(book, shanghaiDateOf(Date.now()).slice(0, 7));
    await acts.releaseMeasure({ ...ref, caseId: c.caseId, code, reason: 'period_end', at: nowIso() });
  } else if (step.kind === 'feedback_month') {
    // R9: the month ended: the next month's reports are owed by every implementer still carrying a measure.
    const { next, specs } = monthEnded(book, step.month!);
    const { opened } = await acts.openFeedbackMonth({ ...ref, month: next, at: nowIso(), open: specs });
    book.addSteps(opened);
  } else if (step.kind === 'tier_review') {
    // R15: the tier changes today by what is already recorded (an expiry, acts leaving the window, a missed correction).
    book.closeSteps((s) => s.key === step.key);
    await rescore(ctx, null, nowIso());
  }
}

/** R16: recompute the provisional deadlines counted in the loaded years; the main loop re-arms the timer. */
export async function calendarChanged({ book, ref }: Ctx, change: CalendarChanged): Promise<void> {
  const pending = book.provisionalSteps(change.years);
  if (pending.length === 0) return;
  const moved = await anyStep.recomputeDeadlines({ ...ref, steps: pending, reason: change.reason, at: nowIso(), nowMs: Date.now() });
  for (const { key, due } of moved) book.replaceDue(key, due);
}
