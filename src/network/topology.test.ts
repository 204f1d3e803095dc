// The data plane's convergence serializer: one run at a time, and no request ever resolved by a run that
// started before it (a lost request left deleted routers' and networks' namespaces on the host).
import { describe, expect, it } from 'vitest';
import { createSerializer } from './topology.js';

/** Waits `depth` microtask turns. */
async function ticks(depth: number): Promise<void> {
  for (let i = 0; i < depth; i++) await Promise.resolve();
}

describe('createSerializer', () => {
  it('never runs twice at once and coalesces requests made during a run into one more run', async () => {
    let active = 0;
    let runs = 0;
    let release: (() => void) | undefined;
    const s = createSerializer(async () => {
      active++;
      expect(active).toBe(1);
      runs++;
      await new Promise<void>((r) => (release = r));
      active--;
    });
    const first = s.request();
    await ticks(2);
    const during = [s.request(), s.request(), s.request()];
    release!();
    await first;
    await ticks(5);
    release!();
    await Promise.all(during);
    expect(runs).toBe(2);
  });

  it('answers each request only after a run that started after it, whatever the timing', async () => {
    // Another handler's request may land at any microtask turn after a run's work ends (its own awaits
    // resolve then): each must still get a run of its own. A "running" flag cleared a few turns after
    // the loop's last check made some of these depths resolve at once, with no run: a lost request.
    for (let depth = 0; depth < 16; depth++) {
      let started = 0;
      let later: { at: number; done: Promise<void> } | undefined;
      const s = createSerializer(async () => {
        started++;
        await ticks(1);
        if (started === 1)
          void ticks(depth).then(() => {
            later = { at: started, done: s.request() };
          });
      });
      await s.request();
      await ticks(depth + 4);
      expect(later, `request at depth ${depth}`).toBeDefined();
      await later!.done;
      expect(started, `request at depth ${depth}`).toBeGreaterThan(later!.at);
    }
  });

  it('ends the requests of a failed run and keeps serving', async () => {
    let calls = 0;
    const s = createSerializer(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
    });
    await s.request();
    await s.request();
    expect(calls).toBe(2);
  });
});
