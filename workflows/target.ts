// One long-lived workflow per disciplinary target (enterprise or person). Cases arrive by
// update-with-start, agency actions as Updates (one per kind, domain/actions.ts), deadlines as
// one timer for the earliest open step. Handlers and timers take turns under one lock, so every
// action is judged and applied against the state as it is; the run completes only when nothing
// is owed and no accepted message is unhandled.
import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, currentUpdateInfo, setHandler, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ACTION_NAMES, type ActionName } from '../domain/actions';
import { stepView } from '../domain/steps';
import { timerSummary } from '../domain/engine-summaries';
import { acts } from './activities';
import { TargetBook } from '../domain/loop/book';
import { upgradeFileCase, upgradeState } from '../domain/loop/upgrade';
import { judge } from '../domain/loop/judge';
import {
  actionUpdates, calendarChangedSignal, fileCaseUpdate, KEY_REUSED, monthlyReportSignal, REFUSED, releaseWithCauseUpdate, scoreTargetUpdate, targetStateQuery,
  type ActionAnswer, type ActionArgs, type CalendarChanged, type Envelope, type MonthlyReportFiled, type TargetWorkflowInput,
} from './messages';
import { openStepsKey, provisionalYearsKey } from './search-attributes';
import { fileCase, handlers, monthlyReportFiled, publicize, releaseWithCause, rescore, type Ctx } from './actions';
import { calendarChanged, timerFired } from './target-timers';

/** One at a time, in arrival order: a promise chain is deterministic in the workflow sandbox. */
function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function targetWorkflow(input: TargetWorkflowInput): Promise<void> {
  const book = input.state ? new TargetBook(upgradeState(input.state)) : TargetBook.open(input.targetId, input.kind);
  const ctx: Ctx = { book, ref: { workflowId: workflowInfo().workflowId, targetId: book.state.targetId } };
  const exclusive = serial();
  const calendarChanges: CalendarChanged[] = [];
  const reports: MonthlyReportFiled[] = [];
  const queued = () => calendarChanges.length + reports.length > 0;
  let version = 0;
  let searchAttributes = '';

  /** A retry of an action already applied answers what it answered then (Idempotency-Key, across runs too). */
  const priorAnswer = (args: Envelope): ActionAnswer | undefined => {
    const prior = book.appliedAnswer(currentUpdateInfo()?.id);
    if (prior && prior.fingerprint !== (args.fingerprint ?? null)) {
      throw ApplicationFailure.nonRetryable('this Idempotency-Key was used for a different request', KEY_REUSED);
    }
    return prior;
  };
  const refuse = <A extends ActionName>(name: A, args: ActionArgs[A]) => {
    const verdict = judge(book, name, args);
    if (verdict) throw ApplicationFailure.nonRetryable(verdict.message, verdict.type);
  };

  for (const name of ACTION_NAMES) {
    setHandler(actionUpdates[name] as typeof actionUpdates['receiveCase'], (args) => exclusive(async () => {
      const prior = priorAnswer(args);
      if (prior) return prior;
      refuse(name, args as never); // judged again under the lock: the state may have moved since the validator ran
      const answer = await (handlers[name] as (c: Ctx, a: unknown) => Promise<ActionAnswer>)(ctx, args);
      // R8: what the action changed reaches the platforms (publication, 异议标注, withdrawal).
      answer.opened.push(...(await publicize(ctx, args.at)).map(stepView));
      book.remember(currentUpdateInfo()?.id, answer, Date.now());
      version += 1;
      return answer;
    }), {
      validator: (args) => {
        if (!priorAnswer(args)) refuse(name, args as never);
      },
    });
  }

  setHandler(fileCaseUpdate, (filed) => exclusive(async () => {
    const existing = book.find(filed.caseId);
    if (existing && existing.originatorId !== filed.actor) {
      throw ApplicationFailure.nonRetryable('this document number belongs to another agency', REFUSED);
    }
    const answer = await fileCase(ctx, upgradeFileCase(filed));
    version += 1;
    return answer;
  }));

  // R15: an act was recorded against the target: its tier may have changed (a retry is a re-reading, harmless).
  setHandler(scoreTargetUpdate, (trigger) => exclusive(async () => {
    const answer = await rescore(ctx, trigger, trigger.at);
    version += 1;
    return answer;
  }));

  // R13/R11: a person's case released with its enterprise's fallen cause (sent by the enterprise's workflow).
  setHandler(releaseWithCauseUpdate, (release) => exclusive(async () => {
    const prior = book.appliedAnswer(currentUpdateInfo()?.id);
    if (prior) return prior;
    const answer = await releaseWithCause(ctx, release);
    answer.opened.push(...(await publicize(ctx, release.at)).map(stepView));
    book.remember(currentUpdateInfo()?.id, answer, Date.now());
    version += 1;
    return answer;
  }));

  setHandler(calendarChangedSignal, (change) => {
    calendarChanges.push(change);
    version += 1;
  });
  setHandler(monthlyReportSignal, (report) => {
    reports.push(report);
    version += 1;
  });
  setHandler(targetStateQuery, () => book.state);

  function publishSearchAttributes(): void {
    const open = book.obligations().length;
    const years = book.provisionalYears();
    const next = `${open}|${years.join(',')}`;
    if (next === searchAttributes) return;
    searchAttributes = next;
    upsertSearchAttributes([{ key: openStepsKey, value: open }, { key: provisionalYearsKey, value: years }]);
  }

  for (;;) {
    while (calendarChanges.length > 0) {
      const change = calendarChanges.shift()!;
      await exclusive(() => calendarChanged(ctx, change));
    }
    while (reports.length > 0) {
      const report = reports.shift()!;
      await exclusive(() => monthlyReportFiled(ctx, report));
    }
    publishSearchAttributes();

    // The loop is closed for this target: the run completes; a new cause starts a new run with
    // the same workflow id (update-with-start). A message accepted meanwhile is handled first,
    // and if it reopened the loop the run goes on.
    if (book.finished()) {
      const closed = await exclusive(async () => {
        if (!book.finished()) return false;
        await acts.recordTargetClosed({ ...ctx.ref, at: new Date().toISOString() });
        return true;
      });
      await condition(allHandlersFinished);
      if (closed && book.finished() && !queued()) return;
      continue;
    }

    // Long life: a new run carries the state.
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (input.historyLimit && info.historyLength > input.historyLimit)) {
      await condition(allHandlersFinished);
      if (queued()) continue; // a signal taken meanwhile is handled by this run, not dropped
      await continueAsNew<typeof targetWorkflow>({ targetId: book.state.targetId, kind: book.state.kind, state: book.state, historyLimit: input.historyLimit });
    }

    const seen = version;
    const timer = book.nextTimer();
    const woken = timer
      ? await condition(() => version !== seen, Math.max(0, timer.atMs - Date.now()), { summary: timerSummary(timer.step, timer.reminder) })
      : await condition(() => version !== seen).then(() => true);
    if (!woken && timer) {
      await exclusive(async () => {
        await timerFired(ctx, timer);
        await publicize(ctx, new Date().toISOString());
      });
      version += 1;
    }
  }
}
