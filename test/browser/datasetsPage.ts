/** Loads every built-in data set in the page through the browser reader (fetch from this origin). */
import { DATASETS, loadDataset } from '../../src/data';
import { browserReader } from '../../src/data/browserReader';

export interface LoadedSummary {
  id: string;
  trainN: number;
  testN: number;
  shape: [number, number, number];
  labels: string[];
  attributes: string[];
  min: number;
  max: number;
  ms: number;
}

declare global {
  interface Window {
    loadAllDatasets: (dataUrl: string) => Promise<LoadedSummary[]>;
  }
}

window.loadAllDatasets = async (dataUrl) => {
  const out: LoadedSummary[] = [];
  for (const d of DATASETS.values()) {
    if (d.kind !== 'builtin') continue;
    const t0 = performance.now();
    const { dataset } = await loadDataset(
      { name: d.id, seed: 1, nTrain: 300, nTest: 100 },
      browserReader(dataUrl),
    );
    let min = Infinity;
    let max = -Infinity;
    for (const v of dataset.train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const { height, width, channels } = dataset.info.imageShape;
    out.push({
      id: d.id,
      trainN: dataset.train.n,
      testN: dataset.test.n,
      shape: [height, width, channels],
      labels: Object.keys(dataset.train.labels),
      attributes: Object.keys(dataset.train.attributes),
      min,
      max,
      ms: performance.now() - t0,
    });
  }
  return out;
};
document.getElementById('status')!.textContent = 'ready';
