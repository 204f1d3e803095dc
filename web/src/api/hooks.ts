// Data hooks: a resource loaded through the APIs, optionally polled (live status without reloading), and
// an action runner that shows the API's own error message.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      loader
        .current()
        .then(
          (value) => {
            if (!live) return;
            setData(value);
            setError(undefined);
            setLoading(false);
          },
          (err: unknown) => {
            if (!live) return;
            setError(err instanceof Error ? err.message : String(err));
            setLoading(false);
          },
        )
        .finally(() => {
          // Polling pauses while the tab is hidden: no work for a page nobody looks at.
          if (live && pollMs) timer = setTimeout(run, document.hidden ? pollMs * 5 : pollMs);
        });
    };
    run();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick, pollMs]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

export interface Runner {
  busy: boolean;
  error: string | undefined;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
}

export function useRunner(): Runner {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(async <T>(action: () => Promise<T>) => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}
