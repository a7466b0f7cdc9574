// One way to run what a person asked for: busy while it runs, its error kept to be shown
// (ErrorNotice) until the next attempt.
import { useCallback, useState } from "react";

export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run, setError };
}
