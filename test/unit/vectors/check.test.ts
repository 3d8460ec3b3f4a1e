/** The vector checker itself must be able to fail: mutated, unknown and malformed cases are failures. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkFile, resultLine, summaryLine } from '../../../src/vectors/check';

const ntXent = JSON.parse(readFileSync('test/vectors/nt_xent.json', 'utf8')) as {
  cases: Record<string, unknown>[];
  [key: string]: unknown;
};

function fileWith(cases: Record<string, unknown>[]): string {
  return JSON.stringify({ ...ntXent, cases });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkFile', () => {
  test('passes the untouched public cases', async () => {
    const results = await checkFile({ name: 'nt_xent.json', text: JSON.stringify(ntXent) });
    expect(summaryLine(results)).toBe(`${ntXent.cases.length} passed, 0 failed`);
  });

  test('fails a value moved beyond tolerance', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    c.value = (c.value as number) * 1.01;
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
    expect(result!.detail).toMatch(/value/);
  });

  test('fails a gradient entry moved beyond tolerance', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    const grad = c.grad as { features: number[][] };
    grad.features[0]![0]! += 0.05;
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
    expect(result!.detail).toMatch(/grad 'features'/);
  });

  test('fails a finite result where the reference is NaN', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    c.value = 'NaN';
    c.grad = null;
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
  });

  test('fails an unknown fn, naming the valid ones', async () => {
    const c = { ...structuredClone(ntXent.cases[0]!), fn: 'no_such_loss' };
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
    expect(result!.detail).toMatch(/Unknown function 'no_such_loss'.*nt_xent/);
  });

  test('fails a case with a missing input', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    c.inputs = {};
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
    expect(result!.detail).toMatch(/missing input 'features'/);
  });

  test('fails malformed JSON and malformed cases, naming file and case', async () => {
    const [bad] = await checkFile({ name: 'broken.json', text: '{"format": ' });
    expect(bad).toMatchObject({ file: 'broken.json', passed: false });
    expect(bad!.detail).toMatch(/malformed JSON/);
    const [noValue] = await checkFile({
      name: 'f.json',
      text: fileWith([{ name: 'x', fn: 'nt_xent' }]),
    });
    expect(noValue).toMatchObject({ name: 'x', passed: false });
    expect(noValue!.detail).toMatch(/malformed case/);
    const [wrongFormat] = await checkFile({
      name: 'g.json',
      text: JSON.stringify({ format: 'other', cases: [] }),
    });
    expect(wrongFormat!.passed).toBe(false);
  });

  test('a parameter or constant input the function does not use is reported, not fatal', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    c.params = { ...(c.params as object), base_temperature: 0.07 };
    c.inputs = { ...(c.inputs as object), labels: [0, 1] };
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(true);
    expect(resultLine(result!)).toMatch(
      /^PASS .* \(not used by nt_xent: input 'labels', param 'base_temperature'\)$/,
    );
    // The extra parameter really is ignored: a wrong value still fails.
    c.value = (c.value as number) * 1.01;
    const [moved] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(moved!.passed).toBe(false);
  });

  test('a misspelt parameter (close to a known one) is a failure, not an ignored extra', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    const { temperature, ...rest } = c.params as Record<string, unknown>;
    c.params = { ...rest, temprature: temperature };
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
    expect(result!.detail).toMatch(
      /unknown parameter 'temprature' \(did you mean 'temperature'\?\)/,
    );
  });

  test('a gradient asked of an input the function does not have is a failure', async () => {
    const c = structuredClone(ntXent.cases[0]!);
    c.inputs = { ...(c.inputs as object), z: [[1, 2]] };
    c.grad = { ...(c.grad as object), z: [[0, 0]] };
    const [result] = await checkFile({ name: 'f.json', text: fileWith([c]) });
    expect(result!.passed).toBe(false);
    expect(result!.detail).toMatch(/'z'/);
  });
});

describe('npm run check:vectors (the CLI)', () => {
  const run = (...args: string[]) =>
    spawnSync('node_modules/.bin/tsx', ['src/cli/checkVectors.ts', ...args], { encoding: 'utf8' });
  const lastLine = (out: string) => out.trim().split('\n').at(-1);

  test('exits 0 with "N passed, 0 failed" last, and 1 naming the file of a bad case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
    try {
      copyFileSync('test/vectors/nt_xent.json', join(dir, 'nt_xent.json'));
      const good = run(dir);
      expect(good.status).toBe(0);
      expect(lastLine(good.stdout)).toBe(`${ntXent.cases.length} passed, 0 failed`);

      const moved = structuredClone(ntXent.cases[0]!);
      moved.value = (moved.value as number) + 0.5;
      writeFileSync(join(dir, 'bad.json'), fileWith([moved]));
      writeFileSync(join(dir, 'broken.json'), '{"format": ');
      const bad = run(dir);
      expect(bad.status).toBe(1);
      expect(lastLine(bad.stdout)).toBe(`${ntXent.cases.length} passed, 2 failed`);
      expect(bad.stdout).toMatch(/FAIL .*bad\.json :: basic_n4_d3_t0\.1 — value got/);
      expect(bad.stdout).toMatch(/FAIL .*broken\.json :: \(file\) — malformed JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
