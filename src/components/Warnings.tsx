/**
 * Short notes on legal nonsense in the current config (a temperature of 1e-30, SGD at lr 10, one
 * view for a pair loss, a SupCon batch with fewer samples than classes, a run too large for the
 * backend) and the collapse detector's note for the active run. Each can be dismissed; it comes
 * back only if the value that caused it changes.
 */
import { useMemo, useState } from 'react';
import { useController, useStore } from './storeContext';
import { selectActiveRun } from '../state/store';
import { configWarnings, type ConfigWarning } from '../contracts/configWarnings';

export function Warnings() {
  const controller = useController();
  const config = useStore((s) => s.config);
  // Recomputed when a run loads (its data set's shape and classes) or changes backend.
  const runsKey = useStore(
    (s) => s.runOrder.length + ':' + (selectActiveRun(s)?.backend?.backend ?? ''),
  );
  // Two stable selections (a fresh object per call would make React re-render without end).
  const collapseRun = useStore((s) => selectActiveRun(s)?.id);
  const collapseWarning = useStore((s) => selectActiveRun(s)?.collapse);
  const collapse = useMemo(
    () =>
      collapseWarning && collapseRun ? { run: collapseRun, warning: collapseWarning } : undefined,
    [collapseRun, collapseWarning],
  );
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const warnings = useMemo(() => {
    void runsKey;
    const list: { key: string; warning: ConfigWarning }[] = configWarnings(
      config,
      controller.datasetFacts(config),
      controller.likelyBackend(),
    ).map((w) => ({ key: `${w.id}:${w.message}`, warning: w }));
    if (collapse) list.push({ key: `collapse:${collapse.run}`, warning: collapse.warning });
    return list.filter((w) => !dismissed.has(w.key));
  }, [config, controller, runsKey, collapse, dismissed]);
  if (!warnings.length) return null;
  return (
    <div className="notice warning" role="status" data-testid="warnings">
      <ul>
        {warnings.map(({ key, warning }) => (
          <li key={key} data-warning={warning.id}>
            {warning.message}{' '}
            <button
              onClick={() => setDismissed(new Set([...dismissed, key]))}
              aria-label={`dismiss: ${warning.message.slice(0, 60)}`}
            >
              dismiss
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
