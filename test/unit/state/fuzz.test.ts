/**
 * Property-based fuzzing (fast-check) of every door a value comes in by: the URL hash parser,
 * window.playground's configure, the CSV reader of user data, the NIfTI reader and the import of
 * an exported run. The property everywhere: no uncaught error of the wrong kind, and every
 * rejection is an Error with a message (bounded, for the config paths, and naming a field).
 * Seeds are fixed, so a failure reproduces; the counts are printed.
 */
import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { configFromHash, configToHash } from '../../../src/state/urlState';
import { PlaygroundController } from '../../../src/state/controller';
import { createStore } from '../../../src/state/store';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import { gateConfig, setDatasetCheck } from '../../../src/contracts/configGate';
import { checkDatasetParams } from '../../../src/data/paramsCheck';
import { PRESETS } from '../../../src/presets';
import { checkColumns, parseCsv } from '../../../src/data/user/csv';
import { loadDataset } from '../../../src/data/index';
import { memoryReader } from '../../../src/data/memoryReader';
import { decodeNiftiBytes } from '../../../src/data/user/decode';
import { parseRunFile } from '../../../src/state/runImport';
import { nifti } from '../data/files';

setDatasetCheck(checkDatasetParams);

const counts: Record<string, { cases: number; accepted: number; rejected: number }> = {};
function tally(name: string, accepted: boolean) {
  const c = (counts[name] ??= { cases: 0, accepted: 0, rejected: 0 });
  c.cases++;
  if (accepted) c.accepted++;
  else c.rejected++;
}

/** A rejection must be an Error with a message of reasonable length (no 1 MB alerts). */
function expectMessage(error: unknown, maxLength = 2000): void {
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThanOrEqual(maxLength);
}

const base = gateConfig(PRESETS[0]!.config) as unknown as Record<string, unknown>;
const KEYS = [
  ...Object.keys(base),
  'dataset',
  'loss',
  'optimizer',
  'encoder',
  'nTrain',
  'name',
  'lr',
  'temperature',
  '__proto__',
  'constructor',
  'foo',
];

/** Values of every kind configure may be handed, JSON and not. */
const wild = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, 2 ** 53, null, undefined, true, ''),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 190, maxLength: 260 }),
  fc.bigInt(),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constant(new Map()),
  fc.constant(new Date(0)),
  fc.constantFrom(
    'mnist',
    'gaussians',
    'adam',
    'sgd',
    'nt_xent',
    'supcon',
    'mlp',
    'cnn',
    'views',
    'class',
  ),
);
const patch = fc.dictionary(
  fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })),
  fc.oneof(
    wild,
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), wild, {
      maxKeys: 4,
    }),
    fc.array(wild, { maxLength: 4 }),
  ),
  { maxKeys: 4 },
);

class NullWorker implements WorkerLike {
  postMessage(): void {}
  addEventListener(): void {}
  terminate(): void {}
}

describe('fuzzing (fast-check)', () => {
  test('the URL hash parser: never throws, an invalid hash gets a message', () => {
    const anyHash = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ maxLength: 60 }).map((s) => `#config=${s}`),
      fc.string({ maxLength: 30 }).map((s) => `#${s}=bar&config=x`),
    );
    fc.assert(
      fc.property(anyHash, (hash) => {
        const r = configFromHash(hash);
        if (r.kind === 'invalid') expect(r.message.length).toBeGreaterThan(10);
        tally('URL hash (text)', r.kind !== 'invalid');
      }),
      { numRuns: 300, seed: 13 },
    );
    // JSON values, some near a valid config, base64url-encoded as a link would carry them.
    const near = fc.tuple(patch, fc.boolean()).map(([p, whole]) => (whole ? { ...base, ...p } : p));
    fc.assert(
      fc.property(fc.oneof(near, fc.jsonValue()), (value) => {
        let text: string;
        try {
          text = JSON.stringify(value) ?? 'null';
        } catch {
          return; // BigInt: not JSON, cannot be in a link
        }
        const hash = configToHash(JSON.parse(text) as never);
        const r = configFromHash(hash);
        if (r.kind === 'invalid') expect(r.message.length).toBeLessThanOrEqual(800);
        else if (r.kind === 'ok') expect(gateConfig(r.config)).toEqual(r.config);
        tally('URL hash (encoded JSON)', r.kind === 'ok');
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  test('configure: every value is applied whole or refused with a message, and nothing invalid is stored', () => {
    const store = createStore(gateConfig(PRESETS[0]!.config));
    const controller = new PlaygroundController(
      store,
      new TrainingClient(new NullWorker()),
      'wasm',
      '/data/',
    );
    const input = fc.oneof(
      { weight: 6, arbitrary: patch },
      { weight: 1, arbitrary: wild },
      { weight: 1, arbitrary: fc.anything() },
    );
    fc.assert(
      fc.property(input, (value) => {
        const before = store.getState().config;
        let ok = true;
        try {
          controller.configure(value);
        } catch (error) {
          ok = false;
          expectMessage(error);
          expect((error as Error).name).not.toMatch(/TypeError|RangeError/);
          expect(store.getState().config).toBe(before);
        }
        // Whatever is stored passes the gate again and survives a structured clone and JSON.
        const stored = store.getState().config;
        expect(gateConfig(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
        structuredClone(stored);
        tally('configure', ok);
      }),
      { numRuns: 500, seed: 15 },
    );
  });

  test('the CSV reader of user data: parses anything; a bad header is refused with its column', async () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.double().map(String),
      fc.constantFrom('"', '""', ';', ',', '\r\n', '__proto__', '#'),
    );
    const csvText = fc
      .array(
        fc.array(cell, { maxLength: 5 }).map((r) => r.join(',')),
        { maxLength: 8 },
      )
      .map((rows) => rows.join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvText, fc.string({ maxLength: 300 })), async (text) => {
        const table = parseCsv(text);
        let ok = true;
        try {
          checkColumns(table.header, 'f.csv');
        } catch (error) {
          ok = false;
          expectMessage(error);
          expect((error as Error).message).toMatch(/^f\.csv: line 1: column \d+/);
        }
        // The whole loader on it, as features: a result or a message, never a crash.
        try {
          await loadDataset(
            { name: 'user-features', csv: 'f.csv' },
            memoryReader({ 'f.csv': text }),
          );
        } catch (error) {
          ok = false;
          expectMessage(error, 5000);
        }
        tally('CSV reader', ok);
      }),
      { numRuns: 200, seed: 16 },
    );
  });

  test('the NIfTI reader: a corrupt, truncated or mutated file is refused with a message', () => {
    const valid = nifti(6, 5, 3);
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat({ max: valid.length + 20 }), fc.nat({ max: 255 })), {
          maxLength: 12,
        }),
        fc.option(fc.nat({ max: valid.length }), { nil: undefined }),
      )
      .map(([edits, cut]) => {
        const bytes = valid.slice(0, cut ?? valid.length);
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 400 })), (bytes) => {
        let ok = true;
        try {
          const img = decodeNiftiBytes(bytes);
          expect(img.data.every((v) => v >= 0 && v <= 1)).toBe(true);
        } catch (error) {
          ok = false;
          expectMessage(error);
        }
        tally('NIfTI reader', ok);
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  test('run import: a JSON text that is not an exported run is refused with a message', () => {
    const run = fc.oneof(
      fc.record({
        config: fc.oneof(
          patch.map((p) => ({ ...base, ...p })),
          fc.jsonValue(),
        ),
        history: fc.array(fc.jsonValue(), { maxLength: 3 }),
      }),
      fc.jsonValue(),
    );
    const text = fc.oneof(
      run.map((r) => {
        try {
          return JSON.stringify(r) ?? 'null';
        } catch {
          return '{';
        }
      }),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        let ok = true;
        try {
          parseRunFile(t);
        } catch (error) {
          ok = false;
          expectMessage(error);
        }
        tally('run import', ok);
      }),
      { numRuns: 300, seed: 18 },
    );
  });

  afterAll(() => {
    const total = Object.values(counts).reduce((a, c) => a + c.cases, 0);
    const lines = Object.entries(counts).map(
      ([name, c]) =>
        `  ${name}: ${c.cases} cases (${c.accepted} accepted, ${c.rejected} rejected with a message)`,
    );
    console.log(`fuzz: ${total} generated values, 0 uncaught errors\n${lines.join('\n')}`);
    expect(total).toBeGreaterThanOrEqual(1000);
  });
});
