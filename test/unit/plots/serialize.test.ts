import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../../src/contracts/metrics';
import {
  csvText,
  metricsToCsv,
  parseCsv,
  safeFilename,
  toJson,
} from '../../../src/plots/serialize';

const history: MetricsRecord[] = [
  { step: 0, loss: 4.5, alignment: 1.2 },
  {
    step: 50,
    loss: 3.25,
    alignment: 0.9,
    knnAccuracy: 0.5,
    commonProbe: { digit: 0.1, cifar: 0.7 },
  },
];

describe('metricsToCsv', () => {
  it('writes a tidy table, one row per present metric, never a 0 for an absent one', () => {
    const csv = metricsToCsv([{ id: 'r1', label: 'SupCon', history }]);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['run', 'label', 'step', 'metric', 'value']);
    const body = rows.slice(1);
    expect(body).toEqual([
      ['r1', 'SupCon', '0', 'loss', '4.5'],
      ['r1', 'SupCon', '0', 'alignment', '1.2'],
      ['r1', 'SupCon', '50', 'loss', '3.25'],
      ['r1', 'SupCon', '50', 'alignment', '0.9'],
      ['r1', 'SupCon', '50', 'knnAccuracy', '0.5'],
      ['r1', 'SupCon', '50', 'commonProbe.digit', '0.1'],
      ['r1', 'SupCon', '50', 'commonProbe.cifar', '0.7'],
    ]);
    expect(body.some((r) => r[2] === '0' && r[3] === 'knnAccuracy')).toBe(false);
    expect(csv.endsWith('\n')).toBe(true);
  });

  it('round-trips numbers exactly and writes non-finite values by name', () => {
    const v = 0.1 + 0.2;
    const csv = metricsToCsv([
      {
        id: 'a',
        label: 'a',
        history: [{ step: 1, loss: v, uniformity: -Infinity, alignment: NaN }],
      },
    ]);
    const rows = parseCsv(csv).slice(1);
    expect(Number(rows[0]![4])).toBe(v);
    expect(rows[1]![4]).toBe('-Infinity');
    expect(rows[2]![4]).toBe('NaN');
  });

  it('quotes labels with commas, quotes and newlines, and defuses formulas', () => {
    const label = 'ε-SupInfoNCE, "τ=0.1"\nrun';
    const csv = metricsToCsv([{ id: '=cmd()', label, history: [{ step: 3, loss: 1 }] }]);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2);
    expect(rows[1]![1]).toBe(label);
    expect(rows[1]![0]).toBe("'=cmd()");
    expect(csvText('plain')).toBe('plain');
    expect(csvText('a,b')).toBe('"a,b"');
  });

  it('adds the per-step training loss as trainLoss rows', () => {
    const csv = metricsToCsv([
      {
        id: 'r',
        label: 'r',
        history: [],
        lossCurve: [
          { step: 1, loss: 2 },
          { step: 2, loss: 1.5 },
        ],
      },
    ]);
    expect(parseCsv(csv).slice(1)).toEqual([
      ['r', 'r', '1', 'trainLoss', '2'],
      ['r', 'r', '2', 'trainLoss', '1.5'],
    ]);
  });
});

describe('file helpers', () => {
  it('makes safe file names', () => {
    expect(safeFilename('loss curve: run/1')).toBe('loss-curve-run1');
    expect(safeFilename('../..')).toBe('export');
    expect(safeFilename('')).toBe('export');
  });

  it('writes typed arrays in JSON as plain arrays', () => {
    const json = toJson({ a: new Float32Array([1, 2.5]), b: new Int32Array([3]) });
    expect(JSON.parse(json)).toEqual({ a: [1, 2.5], b: [3] });
  });
});
