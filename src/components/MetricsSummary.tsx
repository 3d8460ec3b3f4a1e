/** A plain-text summary of the current metrics: read by screen readers, shown in talk mode. */
import { useStore } from './storeContext';
import { selectActiveRun } from '../state/store';
import { SCALAR_METRICS } from '../contracts/metrics';
import { latestTransfer, transferSummary } from '../plots/model/transfer';

export function MetricsSummary({ visible = false }: { visible?: boolean }) {
  const run = useStore(selectActiveRun);
  const latest = run?.history.at(-1);
  const parts: string[] = [];
  if (run) parts.push(`${run.label}: step ${run.step}, ${run.status}`);
  if (latest) {
    for (const key of SCALAR_METRICS) {
      const v = latest[key];
      if (v !== undefined && Number.isFinite(v)) parts.push(`${key} ${v.toFixed(3)}`);
    }
  }
  const transfer = run ? latestTransfer(run.history) : undefined;
  if (transfer) parts.push(transferSummary(transfer));
  return (
    <p className={visible ? 'caption' : 'sr-only'} aria-live="polite" data-testid="metrics-summary">
      {parts.join('; ') || 'No run yet.'}
    </p>
  );
}
