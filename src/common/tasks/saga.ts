// Sagas: long-running work as a list of steps, each with its undo, and a journal of the steps done,
// persisted with the resource (omicron's sagas, Nova's task states). A worker runs one step at a time
// and records it before the next, so a crash resumes at the first step not recorded. When a step fails,
// every recorded step and the failing one (which may have half-happened) are undone in reverse; undos
// are idempotent, so undoing a step that never ran, or running an undo twice, is harmless.

export interface SagaStep<R, P> {
  name: string;
  /** Does the step; resolves what to record on the resource (ids of what it made). */
  run(resource: R): Promise<P>;
  /** Undoes the step, from any state its run can leave (done, half-done, not started). */
  undo(resource: R): Promise<void>;
}

export interface SagaJournal<R, P> {
  /** Names of the steps recorded as done on this resource. */
  stepsDone(resource: R): readonly string[];
  /**
   * Records `step` as done with its patch, in one compare-and-set write; resolves the updated resource,
   * or undefined when another writer changed it first (a delete took over).
   */
  record(resource: R, step: SagaStep<R, P>, patch: P): Promise<R | undefined>;
}

export type StepOutcome<R> =
  | { kind: 'progressed'; resource: R }
  | { kind: 'complete' }
  | { kind: 'failed'; error: unknown; undone: boolean }
  | { kind: 'lost' };

export interface UndoLog {
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** The first step not yet recorded, or undefined when all are. */
export function nextStep<R, P>(
  steps: readonly SagaStep<R, P>[],
  done: readonly string[],
): SagaStep<R, P> | undefined {
  return steps.find((s) => !done.includes(s.name));
}

/**
 * Undoes the steps named in `done`, in reverse order of the saga. Stops at the first undo that fails
 * and resolves false (the caller keeps the journal, so a later attempt resumes the undo).
 */
export async function undoSteps<R, P>(
  steps: readonly SagaStep<R, P>[],
  resource: R,
  done: readonly string[],
  log?: UndoLog,
): Promise<boolean> {
  for (const step of [...steps].reverse()) {
    if (!done.includes(step.name)) continue;
    try {
      await step.undo(resource);
    } catch (err) {
      log?.error({ event: 'saga.undo.failed', step: step.name, err }, 'undo failed');
      return false;
    }
  }
  return true;
}

/** Runs the next step of the saga and records it; on failure undoes everything done so far. */
export async function runNextStep<R, P>(
  steps: readonly SagaStep<R, P>[],
  journal: SagaJournal<R, P>,
  resource: R,
  log?: UndoLog,
): Promise<StepOutcome<R>> {
  const done = journal.stepsDone(resource);
  const step = nextStep(steps, done);
  if (step === undefined) return { kind: 'complete' };
  let patch: P;
  try {
    patch = await step.run(resource);
  } catch (error) {
    // The failing step may have half-happened: undo it with the recorded ones (undos are idempotent).
    const undone = await undoSteps(steps, resource, [...done, step.name], log);
    return { kind: 'failed', error, undone };
  }
  const next = await journal.record(resource, step, patch);
  if (next === undefined) {
    // Another writer owns the resource now: leave nothing this step made unrecorded.
    await step.undo({ ...resource, ...patch }).catch((err: unknown) => {
      log?.error({ event: 'saga.undo.failed', step: step.name, err }, 'undo after a lost write failed');
    });
    return { kind: 'lost' };
  }
  return { kind: 'progressed', resource: next };
}

export type SagaOutcome<R> =
  { kind: 'complete'; resource: R } | { kind: 'failed'; error: unknown; undone: boolean } | { kind: 'lost' };

/**
 * Runs the saga from its first unrecorded step to the end (a resumed saga skips the recorded ones),
 * at most one round per step; a failure has undone everything by the time this resolves.
 */
export async function runSaga<R, P>(
  steps: readonly SagaStep<R, P>[],
  journal: SagaJournal<R, P>,
  resource: R,
  log?: UndoLog,
): Promise<SagaOutcome<R>> {
  let current = resource;
  for (let round = 0; round <= steps.length; round++) {
    const outcome = await runNextStep(steps, journal, current, log);
    if (outcome.kind === 'progressed') current = outcome.resource;
    else if (outcome.kind === 'complete') return { kind: 'complete', resource: current };
    else return outcome;
  }
  return { kind: 'complete', resource: current };
}
