/** The config gate on the cases of issue 13's probe, one by one. */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  assertPlainJson,
  gateConfig,
  mergeConfig,
  quoteValue,
  setDatasetCheck,
} from '../../../src/contracts/configGate';
import { checkDatasetParams } from '../../../src/data/paramsCheck';
import { PlaygroundController } from '../../../src/state/controller';
import { createStore } from '../../../src/state/store';
import { TrainingClient, type WorkerLike } from '../../../src/worker/client';
import { configFromHash, configToHash } from '../../../src/state/urlState';
import { parseRunFile } from '../../../src/state/runImport';
import { checkColumns } from '../../../src/data/user/csv';
import { PRESETS } from '../../../src/presets';

class NullWorker implements WorkerLike {
  postMessage(): void {}
  addEventListener(): void {}
  terminate(): void {}
}

function setup() {
  const store = createStore(gateConfig(PRESETS[0]!.config));
  const controller = new PlaygroundController(
    store,
    new TrainingClient(new NullWorker()),
    'wasm',
    '/d/',
  );
  return { store, controller };
}

/** Calls `f`, expects it to throw, returns the message. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

beforeAll(() => setDatasetCheck(checkDatasetParams));

describe('the config gate', () => {
  test('NaN, ±Infinity, BigInt, functions and symbols are refused, naming the field; nothing is stored', () => {
    const { store, controller } = setup();
    const before = store.getState().config;
    const cases: [unknown, RegExp][] = [
      [
        { dataset: { name: 'gaussians', nTrain: NaN } },
        /dataset\.nTrain: must be a finite number \(got NaN\)/,
      ],
      [{ batchSize: Infinity }, /batchSize: must be a finite number \(got Infinity\)/],
      [{ optimizer: { name: 'adam', lr: -Infinity } }, /optimizer\.lr: .*-Infinity/],
      [{ dataset: { name: 'mnist', nTrain: 10n } }, /dataset\.nTrain: a BigInt .*\(got 10n\)/],
      [{ loss: { name: 'nt_xent', temperature: () => 1 } }, /loss\.temperature: a function/],
      [{ seed: Symbol('x') }, /seed: a symbol/],
      [
        { dataset: { name: 'mnist', when: new Date(0) } },
        /dataset\.when: only plain objects.*\[Date\]/,
      ],
    ];
    for (const [input, pattern] of cases)
      expect(refusal(() => controller.configure(input))).toMatch(pattern);
    expect(store.getState().config).toBe(before);
  });

  test('a cycle is refused before anything is stored; getConfig keeps working', () => {
    const { store, controller } = setup();
    const o: Record<string, unknown> = { name: 'gaussians' };
    o.self = o;
    expect(refusal(() => controller.configure({ dataset: o }))).toMatch(/dataset\.self: a cycle/);
    expect(() => structuredClone(store.getState().config)).not.toThrow();
    expect(store.getState().config.dataset.name).toBe('mnist');
  });

  test('configure takes only a plain object, and says so', () => {
    const { controller } = setup();
    for (const bad of [1, [], new Map(), null, 'x', undefined])
      expect(refusal(() => controller.configure(bad))).toMatch(
        /configure\(\) takes a plain object/,
      );
  });

  test('depth over 32 is refused at level 33, cheaply, even 10,000 deep', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(refusal(() => assertPlainJson({ augment: deep }))).toMatch(
      /nested deeper than 32 levels/,
    );
    // The same thing in a link: the hash parses, then the gate refuses it with a message.
    const json = '{"augment":' + '{"a":'.repeat(10_000) + '{}' + '}'.repeat(10_000) + '}';
    const hash = `#config=${Buffer.from(json).toString('base64url')}`;
    const r = configFromHash(hash);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.message).toMatch(/deeper than 32/);
  });

  test('a 1,000,000-character string is refused, quoting at most 80 characters of it', () => {
    const { controller } = setup();
    const message = refusal(() =>
      controller.configure({ dataset: { name: 'x'.repeat(1_000_000) } }),
    );
    expect(message).toMatch(/dataset\.name: a string of 1000000 characters; at most 200/);
    expect(message.length).toBeLessThan(300);
    expect(quoteValue('y'.repeat(500)).length).toBe(80);
  });

  test('unknown keys and __proto__ are refused with their name', () => {
    const { controller } = setup();
    expect(refusal(() => controller.configure({ foo: 1 }))).toMatch(/foo|Unrecognized key/i);
    expect(refusal(() => controller.configure(JSON.parse('{"__proto__": {"x": 1}}')))).toMatch(
      /__proto__: this key is not allowed/,
    );
    expect(refusal(() => controller.configure({ dataset: { name: 'mnist', bogus: 3 } }))).toMatch(
      /unknown parameter 'bogus' of 'mnist' \(valid: nTrain, nTest\)/,
    );
    // The URL: an unknown hash key is named, not dropped silently.
    expect(configFromHash('#foo=bar')).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/"foo"/),
    });
    const good = configToHash(gateConfig(PRESETS[1]!.config));
    const withExtra = configFromHash(`${good}&foo=bar`);
    expect(withExtra).toMatchObject({ kind: 'ok', notice: expect.stringMatching(/"foo"/) });
  });

  test('data-set parameters are checked with their schema at configure time', () => {
    const { store, controller } = setup();
    expect(
      refusal(() => controller.configure({ dataset: { name: 'gaussians', nTrain: 0 } })),
    ).toMatch(/dataset\.nTrain: .*\(got 0\)/);
    expect(refusal(() => controller.configure({ dataset: { name: 'nope' } }))).toMatch(
      /dataset\.name: unknown data set "nope"/,
    );
    controller.configure({ dataset: { name: 'gaussians', nTrain: 300 } });
    expect(store.getState().config.dataset).toEqual({ name: 'gaussians', nTrain: 300 });
  });

  test('configure deep-merges nested objects; a new name replaces the section; null removes', () => {
    const { store, controller } = setup();
    controller.configure({ dataset: { name: 'gaussians', nTrain: 300 } });
    controller.configure({ dataset: { nTest: 50 } });
    expect(store.getState().config.dataset).toEqual({ name: 'gaussians', nTrain: 300, nTest: 50 });
    controller.configure({ optimizer: { lr: 0.01 } });
    expect(store.getState().config.optimizer).toEqual({ name: 'adam', lr: 0.01 });
    controller.configure({ evaluation: { knnK: 5 } });
    expect(store.getState().config.evaluation).toEqual({ maxTrain: 2000, maxTest: 1000, knnK: 5 });
    // Another loss: its parameters belong to another schema, so the section is replaced.
    controller.configure({ loss: { name: 'dcl', tau: 0.2 } });
    expect(store.getState().config.loss).toEqual({ name: 'dcl', tau: 0.2 });
    controller.configure({ regularizer: { name: 'fairkl', weight: 1 } });
    controller.configure({ regularizer: null });
    expect(store.getState().config.regularizer).toBeUndefined();
    expect(mergeConfig({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({
      a: { b: 1, c: [3] },
    });
  });

  test('messages from the contract quote the value', () => {
    expect(refusal(() => gateConfig({ ...PRESETS[0]!.config, batchSize: 2 }))).toMatch(
      /batchSize: .*\(got 2\)/,
    );
  });

  test('run import and CSV headers pass the same rules', () => {
    expect(refusal(() => parseRunFile('[1]'))).toMatch(/a run file is an object/);
    expect(refusal(() => parseRunFile('{"history": []}'))).toMatch(/no "config"/);
    expect(refusal(() => parseRunFile('{"config": {"batchSize": 1e400}}'))).toMatch(
      /batchSize|config/,
    );
    expect(
      parseRunFile(JSON.stringify({ config: PRESETS[0]!.config, history: [{ step: 1 }] })),
    ).toMatchObject({
      evaluations: 1,
    });
    expect(refusal(() => checkColumns(['file', '__proto__'], 'labels.csv'))).toMatch(
      /labels\.csv: line 1: column 2: '__proto__' is not allowed/,
    );
    expect(refusal(() => checkColumns(['file', 'a'.repeat(1000)], 'labels.csv'))).toMatch(
      /column 2: a name of 1000 characters/,
    );
    expect(refusal(() => checkColumns(['file', 'age', 'age'], 'l.csv'))).toMatch(
      /'age' appears twice/,
    );
  });

  test('every preset passes the gate', () => {
    for (const p of PRESETS) expect(() => gateConfig(p.config)).not.toThrow();
  });
});

test('a nested null is a value, not a removal (a user data set without a CSV)', () => {
  expect(
    mergeConfig(
      { dataset: { name: 'user-images', csv: 'a.csv' } },
      { dataset: { name: 'user-images', csv: null } },
    ),
  ).toEqual({
    dataset: { name: 'user-images', csv: null },
  });
  expect(mergeConfig({ regularizer: { name: 'fairkl' }, seed: 1 }, { regularizer: null })).toEqual({
    seed: 1,
  });
});
