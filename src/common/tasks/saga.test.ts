// The saga runner and the generic undo-at-every-step harness, over a toy world of "things" that steps
// create: every failure point, before or after its step acted, leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { runNextStep, type SagaJournal, type SagaStep } from './saga.js';
import { undoAtEveryStep } from './saga-test-support.js';

interface Row {
  done: string[];
  version: number;
}

function world() {
  const things = new Set<string>();
  const step = (name: string): SagaStep<Row, object> => ({
    name,
    run: async () => {
      things.add(name);
      return {};
    },
    undo: async () => void things.delete(name),
  });
  const steps = [step('claim'), step('ports'), step('disk'), step('spawn')];
  const journal = (): SagaJournal<Row, object> => ({
    stepsDone: (r) => r.done,
    record: async (r, s) => ({ done: [...r.done, s.name], version: r.version + 1 }),
  });
  return { things, steps, journal };
}

describe('sagas', () => {
  it('runs the steps in order, then reports completion', async () => {
    const w = world();
    let row: Row = { done: [], version: 1 };
    const seen: string[] = [];
    for (;;) {
      const outcome = await runNextStep(w.steps, w.journal(), row);
      if (outcome.kind !== 'progressed') {
        expect(outcome.kind).toBe('complete');
        break;
      }
      row = outcome.resource;
      seen.push(row.done.at(-1) as string);
    }
    expect(seen).toEqual(['claim', 'ports', 'disk', 'spawn']);
    expect([...w.things]).toHaveLength(4);
  });

  it('undoes the step whose write lost the race', async () => {
    const w = world();
    const lostJournal: SagaJournal<Row, object> = { stepsDone: (r) => r.done, record: async () => undefined };
    const outcome = await runNextStep(w.steps, lostJournal, { done: [], version: 1 });
    expect(outcome.kind).toBe('lost');
    expect(w.things.size).toBe(0);
  });

  it('leaves nothing behind when any step fails before or after acting', async () => {
    let current = world();
    const results = await undoAtEveryStep({
      steps: current.steps,
      async begin() {
        current.things.clear();
        return { resource: { done: [], version: 1 }, journal: current.journal() };
      },
      leaks: async () => [...current.things],
    });
    expect(results).toHaveLength(8);
    for (const r of results) {
      expect(r.undone, `${r.when} ${r.step}`).toBe(true);
      expect(r.leaks, `${r.when} ${r.step}`).toEqual([]);
    }
    current = world();
  });

  it('catches a saga whose undo is incomplete', async () => {
    const w = world();
    const leaky = w.steps.map((s) => (s.name === 'disk' ? { ...s, undo: async () => undefined } : s));
    const results = await undoAtEveryStep({
      steps: leaky,
      async begin() {
        w.things.clear();
        return { resource: { done: [], version: 1 }, journal: w.journal() };
      },
      leaks: async () => [...w.things],
    });
    expect(results.filter((r) => r.leaks.length > 0).map((r) => `${r.when} ${r.step}`)).toEqual([
      'after disk',
      'before spawn',
      'after spawn',
    ]);
  });
});
