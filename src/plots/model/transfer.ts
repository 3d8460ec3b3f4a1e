/**
 * The transfer study's numbers as text (metrics summary, comparison table): one downstream label
 * read from few labelled samples by a linear probe on the frozen representation, the fine-tuned
 * encoder, and the same network trained from scratch.
 */
import type { MetricsRecord, TransferMetrics } from '../../contracts/metrics';

/** The latest transfer result of a history (it comes with the final evaluation). */
export function latestTransfer(history: readonly MetricsRecord[]): TransferMetrics | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const t = history[i]!.transfer;
    if (t) return t;
  }
  return undefined;
}

/** A score as shown: balanced accuracies with 3 decimals, MAEs with 2. */
export function formatTransferScore(t: TransferMetrics, value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toFixed(t.metric === 'mae' ? 2 : 3);
}

/** "digit (balanced accuracy, 100 labels)". */
export function transferTitle(t: TransferMetrics): string {
  const metric = t.metric === 'mae' ? 'MAE, lower is better' : 'balanced accuracy';
  return `${t.label} (${metric}, ${t.labelled} labels)`;
}

/** One sentence for the metrics summary. */
export function transferSummary(t: TransferMetrics): string {
  const f = (v: number) => formatTransferScore(t, v);
  return (
    `transfer to ${transferTitle(t)}: linear probe ${f(t.linearProbe)}, ` +
    `fine-tuned ${f(t.fineTuned)}, scratch ${f(t.scratch)}`
  );
}
