/**
 * The PyTorch export: the page's zip (engine payload as the worker sends it + the Vite-bundled
 * sources) holds the same files and bytes as `npm run export:pytorch` for the same run, except
 * run.json's `source`; the data are the loader's, the weights the trainer's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTrainingConfig } from '../../../src/contracts/trainingConfig';
import { currentWeights, exportPayload } from '../../../src/engine/exportPayload';
import { Trainer } from '../../../src/engine/trainer';
import { buildNodeExport, nodeSources } from '../../../src/cli/exportPytorch';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import { nodeDataSource } from '../../../src/data/nodeReader';
import { loadTrainingData } from '../../../src/engine/trainingData';
import { bundledSources, pytorchZip } from '../../../src/export/page';
import { decodeNpy } from '../../../src/export/npy';
import { buildPytorchExport, weightNames, type FileMap } from '../../../src/export/pytorch';
import { decodeRunWeights, encodeRunWeights } from '../../../src/export/runWeights';
import { presetById } from '../../../src/presets';
import { transferablesOf } from '../../../src/worker/protocol';

/** Byte equality of large arrays (Vitest's deep equality is slow and memory-hungry on megabytes). */
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBytes = (a: ArrayBufferView | undefined, b: ArrayBufferView) =>
  a !== undefined && a.constructor === b.constructor && bytesOf(a).equals(bytesOf(b));

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const runJson = (files: FileMap) => JSON.parse(text(files['run.json']!)) as Record<string, unknown>;

let dir: string;
beforeAll(async () => {
  await useNodeBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'cp-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the bundled sources are the files the CLI copies', async () => {
  const bundled = await bundledSources();
  const node = nodeSources();
  expect(Object.keys(bundled).sort()).toEqual(Object.keys(node).sort());
  for (const path of Object.keys(node))
    expect(sameBytes(bundled[path], node[path]!), path).toBe(true);
  expect(Object.keys(node)).toContain('train.py');
  expect(Object.keys(node)).toContain('vectors/public/nt_xent.json');
  expect(Object.keys(node).some((p) => p.startsWith('vectors/extra/'))).toBe(true);
});

describe('page zip and CLI export of the same run', () => {
  test('same files, same bytes except the source in run.json and README.md (supcon-mnist, a few trained steps)', async () => {
    const config = parseTrainingConfig({
      ...presetById('supcon-mnist').config,
      batchSize: 32,
    });
    const { dataset, augment } = await loadTrainingData(config, nodeDataSource(config.dataset));
    const trainer = new Trainer(config, dataset, augment);
    let page: FileMap;
    try {
      await trainer.step();
      await trainer.step();
      // What the worker sends the page, and what the page zips.
      const payload = await exportPayload(trainer, { weights: true });
      expect(payload.weights!.step).toBe(2);
      const zip = await pytorchZip(
        payload,
        {
          preset: 'supcon-mnist',
          commit: null,
          exportedAt: '2026-01-01T00:00:00.000Z',
          from: 'page',
        },
        'run',
      );
      page = Object.fromEntries(
        Object.entries(unzipSync(zip)).map(([path, bytes]) => [path.replace(/^run\//, ''), bytes]),
      );
      // The page's "export run" JSON carries the same weights; the CLI reads them with --run.
      const runFile = join(dir, 'run.json');
      writeFileSync(
        runFile,
        JSON.stringify({
          config,
          history: [],
          weights: encodeRunWeights(await currentWeights(trainer)),
        }),
      );
      const cli = await buildNodeExport({ run: runFile }, { backend: 'wasm' });
      expect(Object.keys(page).sort()).toEqual(Object.keys(cli).sort());
      for (const path of Object.keys(cli)) {
        if (path === 'run.json' || path === 'README.md') continue;
        expect(sameBytes(page[path], cli[path]!), path).toBe(true);
      }
      // The README differs only in its line naming the source.
      const readme = (files: FileMap) =>
        text(files['README.md']!).replace(/^Exported from .*$/m, '');
      expect(readme(page)).toBe(readme(cli));
      expect(text(page['README.md']!)).toMatch(
        /^Exported from the Contrastive Playground \(preset `supcon-mnist`/m,
      );
      const { source: pageSource, ...pageRun } = runJson(page);
      const { source: cliSource, ...cliRun } = runJson(cli);
      expect(pageRun).toEqual(cliRun);
      expect(pageSource).toMatchObject({ from: 'page', preset: 'supcon-mnist' });
      expect(cliSource).toMatchObject({ from: 'run', preset: null });
      expect(pageRun.weights).toEqual({ step: 2, index: 'weights/weights.json' });
    } finally {
      trainer.dispose();
    }
  }, 120_000);
});

test('data/ holds the loader’s arrays; weights/ the trainer’s, named and shaped as EXPORT_FORMAT.md says', async () => {
  // brain-mri: float32 images (not multiples of 1/255), labels and attributes; a CNN.
  const config = parseTrainingConfig(presetById('yaware-brain-age').config);
  const { dataset } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const trainer = new Trainer(config, dataset);
  try {
    const payload = await exportPayload(trainer, { weights: true });
    const files = buildPytorchExport(payload, nodeSources(), {
      preset: null,
      commit: null,
      exportedAt: 'now',
      from: 'config',
    });
    const meta = JSON.parse(text(files['data/dataset.json']!));
    expect(meta.info).toEqual(dataset.info);
    for (const split of ['train', 'test'] as const) {
      const s = meta.splits[split];
      const x = decodeNpy(files[s.x]!);
      const { height, width, channels } = dataset.info.imageShape;
      expect(x.shape).toEqual([dataset[split].n, height, width, channels]);
      expect(x.data).toBeInstanceOf(Float32Array);
      expect(sameBytes(x.data, dataset[split].images)).toBe(true);
      for (const [name, values] of Object.entries(dataset[split].labels))
        expect(sameBytes(decodeNpy(files[s.labels[name]]!).data, values), name).toBe(true);
      for (const [name, values] of Object.entries(dataset[split].attributes))
        expect(sameBytes(decodeNpy(files[s.attributes[name]]!).data, values), name).toBe(true);
      expect(Object.keys(s.attributes)).toContain('age');
    }
    const index = JSON.parse(text(files['weights/weights.json']!));
    expect(index.tensors.map((t: { name: string }) => t.name)).toEqual(weightNames(payload.config));
    expect(index.tensors[0]).toMatchObject({
      name: 'encoder.convs.0.weight',
      shape: [3, 3, 2, 16],
    });
    trainer.variables.forEach((v, i) => {
      const w = decodeNpy(files[index.tensors[i].file]!);
      expect(w.shape).toEqual(v.shape);
      expect(sameBytes(w.data, v.dataSync() as Float32Array)).toBe(true);
    });
    const run = runJson(files);
    expect(run.lossStyle).toBe('view-major');
    expect(run.lossParams).toMatchObject({ sigma: 5, temperature: 0.1, n_views: 2 });
    expect((run.config as { augment: object }).augment).toBeTypeOf('object');
  } finally {
    trainer.dispose();
  }
}, 120_000);

test('mnist images travel as uint8 k/255, exactly', async () => {
  const config = parseTrainingConfig(presetById('infonce-mnist').config);
  const { dataset } = await loadTrainingData(config, nodeDataSource(config.dataset));
  const trainer = new Trainer(config, dataset);
  try {
    const files = buildPytorchExport(
      await exportPayload(trainer, { weights: false }),
      nodeSources(),
      {
        preset: null,
        commit: null,
        exportedAt: 'now',
        from: 'config',
      },
    );
    const x = decodeNpy(files['data/test/x.npy']!);
    expect(x.data).toBeInstanceOf(Uint8Array);
    const back = Float32Array.from(x.data, (k) => k / 255);
    expect(sameBytes(back, dataset.test.images)).toBe(true);
    expect(files['weights/weights.json']).toBeUndefined();
    expect(runJson(files).weights).toBeNull();
  } finally {
    trainer.dispose();
  }
}, 120_000);

test('run weights survive the JSON round trip; bad ones are named', () => {
  const w = {
    step: 7,
    tensors: [{ shape: [2, 3], data: new Float32Array([1, -2, 3.5, 1e-8, 0, 6]) }],
  };
  const back = decodeRunWeights(JSON.parse(JSON.stringify(encodeRunWeights(w))));
  expect(back).toEqual(w);
  expect(() =>
    decodeRunWeights({ step: 1, tensors: [{ shape: [4], dtype: 'float32', data: 'AAAA' }] }),
  ).toThrow(/tensors\[0\]: 3 bytes for shape \[4\]/);
  expect(() => decodeRunWeights({ tensors: [] })).toThrow(/expected \{step, tensors/);
});

test('a run whose weights do not fit its config is refused before anything is written', async () => {
  const config = presetById('infonce-mnist').config;
  const runFile = join(dir, 'bad.json');
  writeFileSync(
    runFile,
    JSON.stringify({
      config,
      weights: encodeRunWeights({ step: 1, tensors: [{ shape: [1], data: new Float32Array(1) }] }),
    }),
  );
  await expect(buildNodeExport({ run: runFile }, { backend: 'wasm' })).rejects.toThrow(
    /hold 1 tensors; its config's model has 8/,
  );
  await expect(buildNodeExport({ preset: 'nope' })).rejects.toThrow(/Unknown preset 'nope'/);
  await expect(buildNodeExport({})).rejects.toThrow(/exactly one of/);
}, 60_000);

test('the export-data event transfers every array of the payload and the weights', () => {
  const split = {
    n: 2,
    images: new Float32Array(8),
    labels: { digit: new Int32Array(2) },
    attributes: { age: new Float32Array(2) },
    flags: { isTarget: new Uint8Array(2) },
  };
  const test2 = { ...split, images: new Float32Array(8) };
  const tensor = { shape: [2], data: new Float32Array(2) };
  const event = {
    type: 'export-data' as const,
    runId: 'r',
    requestId: 1,
    payload: {
      config: parseTrainingConfig(presetById('infonce-mnist').config),
      lossParams: {},
      lossStyle: 'view-major',
      dataset: {
        info: {} as never,
        config: { name: 'mnist' },
        train: split,
        test: test2,
      },
      weights: { step: 1, tensors: [tensor] },
    },
  };
  const buffers = transferablesOf(event);
  for (const a of [
    split.images,
    split.labels.digit,
    split.attributes.age,
    split.flags.isTarget,
    test2.images,
    tensor.data,
  ])
    expect(buffers).toContain(a.buffer);
  const weightsOnly = transferablesOf({
    type: 'weights',
    runId: 'r',
    requestId: 2,
    weights: { step: 1, tensors: [tensor], encoders: [1] },
  });
  expect(weightsOnly).toEqual([tensor.data.buffer]);
});
