/** Every run kept: a table of final metrics, switch the active run, re-run with one change, remove. */
import { useController, useStore } from './storeContext';
import { selectRuns } from '../state/store';
import { SCALAR_METRICS } from '../contracts/metrics';
import { useShallow } from 'zustand/shallow';
import { formatTransferScore, latestTransfer, transferTitle } from '../plots/model/transfer';
import { metricInfo } from '../plots/model/metricsOverTime';

/** Short headers (the full name on hover), so eleven metric columns fit a talk-mode card. */
const SHORT: Record<string, string> = {
  loss: 'loss',
  alignment: 'align',
  uniformity: 'uniform',
  effectiveRank: 'eff. rank',
  knnAccuracy: 'k-NN acc.',
  linearProbeAccuracy: 'probe acc.',
  regressionMAE: 'MAE',
  regressionR2: 'R²',
  biasAlignedAccuracy: 'aligned acc.',
  biasConflictingAccuracy: 'conflicting acc.',
  biasPredictability: 'bias pred.',
};

export function ComparePanel() {
  const runs = useStore(useShallow(selectRuns));
  const activeId = useStore((s) => s.activeRunId);
  const setActive = useStore((s) => s.setActiveRun);
  const removeRun = useStore((s) => s.removeRun);
  const setConfig = useStore((s) => s.setConfig);
  const controller = useController();
  const columns = SCALAR_METRICS.filter((m) =>
    runs.some((r) => r.history.at(-1)?.[m] !== undefined),
  );
  // The transfer study (config.transfer), at the final evaluation of the runs that have one.
  const transfers = runs.map((r) => latestTransfer(r.history));
  const withTransfer = transfers.some(Boolean);
  if (!runs.length)
    return (
      <p className="caption">
        Runs appear here; finished and running runs are kept for comparison.
      </p>
    );
  return (
    // Headers are words that wrap, so the table fits its card; a scrollbar is the last resort.
    <div className="compare-wrap" style={{ overflowX: 'auto' }}>
      <table className="compare" data-testid="compare-table">
        <caption className="sr-only">Final metrics of every run</caption>
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">step</th>
            {columns.map((c) => (
              <th scope="col" key={c} title={`${metricInfo(c).label} (${c})`}>
                {SHORT[c] ?? metricInfo(c).label}
              </th>
            ))}
            {withTransfer && (
              <>
                <th scope="col">transfer</th>
                <th scope="col">linear probe</th>
                <th scope="col">fine-tuned</th>
                <th scope="col">scratch</th>
              </>
            )}
            <th scope="col">actions</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run, r) => {
            const last = run.history.at(-1);
            const t = transfers[r];
            return (
              <tr key={run.id} aria-current={run.id === activeId ? 'true' : undefined}>
                <td>
                  <button onClick={() => setActive(run.id)} title="show this run">
                    {run.id === activeId ? '● ' : ''}
                    {run.label}
                    {run.restored ? ' (saved)' : ''}
                  </button>
                </td>
                <td>{run.step}</td>
                {columns.map((c) => (
                  <td key={c}>{last?.[c] !== undefined ? last[c]!.toFixed(3) : '—'}</td>
                ))}
                {withTransfer &&
                  (t ? (
                    <>
                      <td>{transferTitle(t)}</td>
                      <td>{formatTransferScore(t, t.linearProbe)}</td>
                      <td>{formatTransferScore(t, t.fineTuned)}</td>
                      <td>{formatTransferScore(t, t.scratch)}</td>
                    </>
                  ) : (
                    <>
                      <td>—</td>
                      <td>—</td>
                      <td>—</td>
                      <td>—</td>
                    </>
                  ))}
                <td>
                  <div className="compare-actions">
                    <button
                      onClick={() => setConfig(run.config)}
                      title="load this run's settings to change one and run again"
                    >
                      edit &amp; re-run
                    </button>
                    <button onClick={() => controller.startRun(run.config, `${run.label} (again)`)}>
                      re-run
                    </button>
                    <button onClick={() => removeRun(run.id)} aria-label={`remove ${run.label}`}>
                      ✕
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
