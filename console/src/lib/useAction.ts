// One way to run what a person asked for: busy while it runs, its error kept to be shown
// (ErrorNotice) until the next attempt. `run` resolves to whether it succeeded.
import { useCallback, useState } from "react";

export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run, setError };
}
