/**
 * `npm run validate -- --quick` end to end, in process: one seed, a few steps on tiny data. It
 * checks that every claim produces rows with finite numbers, not what the numbers are.
 */
import { beforeAll, expect, test } from 'vitest';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import { runSuite } from '../../../src/validation/suite';
import { renderJson, renderMarkdown, type RunInfo } from '../../../src/validation/report';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

test('the quick validation suite runs every claim end to end with finite numbers', async () => {
  const suite = await runSuite({ quick: true, seeds: [1], jobs: 1 });
  expect(new Set(suite.rows.map((r) => r.claim))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  for (const row of suite.rows) {
    for (const arm of row.arms)
      expect(
        Number.isFinite(arm.summary.mean),
        `claim ${row.claim}: ${row.measure} · ${arm.label}`,
      ).toBe(true);
    expect(row.verdict).not.toBe('no data');
  }
  for (const r of suite.results) {
    expect(r.error, r.run).toBeUndefined();
    expect(Number.isFinite(r.lastLoss), r.run).toBe(true);
  }
  expect(suite.checks.every((c) => c.verdict === 'holds')).toBe(true);
  const info: RunInfo = {
    commit: 'test',
    dirty: false,
    date: 'now',
    machine: 'here',
    node: process.version,
    backend: 'wasm',
    seeds: [1],
    jobs: 1,
    quick: true,
    command: 'test',
  };
  const md = renderMarkdown(suite, info);
  expect(md).toContain('Quick mode');
  const [results, checks] = md.split('## Exact checks');
  const tableRows = (text: string) => text.split('\n').filter((l) => /^\| \d \|/.test(l)).length;
  expect(tableRows(results!)).toBe(suite.rows.length);
  expect(tableRows(checks!)).toBe(suite.checks.length);
  const json = JSON.parse(renderJson(suite, info)) as { runs: unknown[]; rows: unknown[] };
  expect(json.runs.length).toBe(suite.results.length);
}, 900_000);
