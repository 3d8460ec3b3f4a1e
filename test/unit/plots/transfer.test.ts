import { describe, expect, test } from 'vitest';
import type { TransferMetrics } from '../../../src/contracts/metrics';
import {
  formatTransferScore,
  latestTransfer,
  transferSummary,
} from '../../../src/plots/model/transfer';

const classification: TransferMetrics = {
  label: 'digit',
  task: 'classification',
  metric: 'balancedAccuracy',
  labelled: 100,
  linearProbe: 0.81234,
  fineTuned: 0.85,
  scratch: 0.7,
  randomProbe: 0.3,
};

describe('transfer metrics as text', () => {
  test('the latest history entry with a transfer result', () => {
    expect(latestTransfer([{ step: 1 }, { step: 2, transfer: classification }, { step: 3 }])).toBe(
      classification,
    );
    expect(latestTransfer([{ step: 1 }])).toBeUndefined();
  });

  test('accuracies with 3 decimals, MAEs with 2 and the direction named', () => {
    expect(transferSummary(classification)).toBe(
      'transfer to digit (balanced accuracy, 100 labels): linear probe 0.812, fine-tuned 0.850, scratch 0.700',
    );
    const regression: TransferMetrics = {
      ...classification,
      label: 'age',
      task: 'regression',
      metric: 'mae',
      linearProbe: 6.123,
      fineTuned: 5.5,
      scratch: NaN,
    };
    expect(transferSummary(regression)).toBe(
      'transfer to age (MAE, lower is better, 100 labels): linear probe 6.12, fine-tuned 5.50, scratch —',
    );
    expect(formatTransferScore(regression, Infinity)).toBe('—');
  });
});
