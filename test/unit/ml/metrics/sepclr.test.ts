import { describe, expect, test } from 'vitest';
import { linearProbe } from '../../../../src/ml/metrics/probes';
import { probeLabels, sepclrProbes } from '../../../../src/ml/metrics/sepclr';
import { clusters, normalRows, randomLabels } from './random';

describe('sepclrProbes', () => {
  // Two independent labels: "background" lives in the common space, "target" in the salient one.
  const background = { train: randomLabels(400, 4, 1), test: randomLabels(300, 4, 2) };
  const target = { train: randomLabels(400, 3, 3), test: randomLabels(300, 3, 4) };
  const common = {
    train: clusters(background.train, 6, 3, 5, 6),
    test: clusters(background.test, 6, 3, 5, 7),
    dim: 6,
  };
  const salient = {
    train: clusters(target.train, 4, 3, 8, 9),
    test: clusters(target.test, 4, 3, 8, 10),
    dim: 4,
  };
  const labels = { background, target };

  test('each label is read from the space that encodes it, near chance from the other', () => {
    const r = sepclrProbes({ common, salient }, labels);
    expect(r.commonProbe.background!).toBeGreaterThan(0.95);
    expect(r.salientProbe.target!).toBeGreaterThan(0.95);
    expect(r.commonProbe.target!).toBeLessThan(0.45); // chance 1/3
    expect(r.salientProbe.background!).toBeLessThan(0.35); // chance 1/4
    expect(Object.keys(r.commonProbe).sort()).toEqual(['background', 'target']);
  });

  test('every entry is the linear-probe accuracy of that label from that space', () => {
    const r = sepclrProbes({ common, salient }, labels, { l2: 0.01 });
    for (const [name, label] of Object.entries(labels)) {
      const fromCommon = linearProbe(common.train, label.train, common.test, label.test, 6, {
        l2: 0.01,
      });
      const fromSalient = linearProbe(salient.train, label.train, salient.test, label.test, 4, {
        l2: 0.01,
      });
      expect(r.commonProbe[name]).toBe(fromCommon.accuracy);
      expect(r.salientProbe[name]).toBe(fromSalient.accuracy);
    }
    expect(probeLabels(salient, labels, { l2: 0.01 })).toEqual(r.salientProbe);
  });

  test('errors name the space and the label', () => {
    const short = { train: background.train.subarray(1), test: background.test };
    expect(() => sepclrProbes({ common, salient }, { short })).toThrow(
      /sepclrProbes \(common space\): probeLabels: label 'short': linearProbe: trainLabels has 399 entries/,
    );
    const badSalient = { ...salient, test: normalRows(3, 5, 11) };
    expect(() => sepclrProbes({ common, salient: badSalient }, labels)).toThrow(
      /salient space.*space.test has 15 values/,
    );
    expect(() => sepclrProbes({ common, salient }, {})).toThrow(/at least one label/);
  });
});
