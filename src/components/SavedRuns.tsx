/** Runs saved in this browser: how many, about how much storage, and a way to clear them. */
import { useState } from 'react';
import { useController, useStore } from './storeContext';
import { formatBytes } from '../contracts/configWarnings';

export function SavedRuns() {
  const controller = useController();
  const saved = useStore((s) => s.savedRuns);
  const setNotice = useStore((s) => s.setNotice);
  const [busy, setBusy] = useState(false);
  if (!controller.persistence) return null;
  return (
    <p className="caption row" data-testid="saved-runs">
      <span>
        Saved in this browser (IndexedDB):{' '}
        {saved
          ? `${saved.runs} run${saved.runs === 1 ? '' : 's'}, about ${formatBytes(saved.bytes)}`
          : 'reading…'}
      </span>
      <button
        disabled={busy || !saved?.runs}
        onClick={() => {
          setBusy(true);
          void controller.persistence
            ?.clear()
            .then(() => setNotice('Saved runs cleared from this browser.'))
            .catch((error: unknown) =>
              setNotice(`Could not clear saved runs: ${(error as Error).message}`),
            )
            .finally(() => setBusy(false));
        }}
        data-testid="clear-saved"
      >
        clear saved runs
      </button>
    </p>
  );
}
