// The generic saga test (omicron's "undo at every step"): for each step of a saga, run the steps before
// it, make it fail (before it acts, and after it acted), undo, and check that nothing is left behind.
// Each service calls it with its real steps over fake or faulty drivers and its own leak check.
import { runNextStep, type SagaJournal, type SagaStep } from './saga.js';

export interface UndoScenario<R, P> {
  steps: readonly SagaStep<R, P>[];
  /**
   * A fresh world and resource for one scenario; `journal` records steps on that resource. `steps`,
   * when given, replaces the scenario's steps for this run (steps built for one resource).
   */
  begin(): Promise<{ resource: R; journal: SagaJournal<R, P>; steps?: readonly SagaStep<R, P>[] }>;
  /** Everything the world still holds after the undo (leaked ports, guests, files…); [] when clean. */
  leaks(): Promise<string[]>;
  /** Tears the world down between scenarios. */
  end?(): Promise<void>;
}

export interface UndoResult {
  step: string;
  when: 'before' | 'after';
  undone: boolean;
  leaks: string[];
}

class InjectedFailure extends Error {}

/** Runs every (step, before|after) failure; resolves one result per scenario, in order. */
export async function undoAtEveryStep<R, P>(scenario: UndoScenario<R, P>): Promise<UndoResult[]> {
  const results: UndoResult[] = [];
  for (let failAt = 0; failAt < scenario.steps.length; failAt++) {
    for (const when of ['before', 'after'] as const) {
      const { resource, journal, steps: built } = await scenario.begin();
      const steps = (built ?? scenario.steps).map((step, i) =>
        i !== failAt
          ? step
          : {
              ...step,
              async run(resource: R) {
                if (when === 'before') throw new InjectedFailure(`injected before ${step.name}`);
                await step.run(resource);
                throw new InjectedFailure(`injected after ${step.name}`);
              },
            },
      );
      let current = resource;
      let undone = false;
      for (;;) {
        const outcome = await runNextStep(steps, journal, current);
        if (outcome.kind === 'progressed') current = outcome.resource;
        else {
          undone = outcome.kind === 'failed' && outcome.undone;
          break;
        }
      }
      results.push({
        step: scenario.steps[failAt]?.name ?? '?',
        when,
        undone,
        leaks: await scenario.leaks(),
      });
      await scenario.end?.();
    }
  }
  return results;
}
