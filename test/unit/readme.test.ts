/** The README's loss table is generated from the catalog; this keeps it true. */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { replaceTable } from '../../scripts/loss-table';

test('README lists every function with its current parameters and defaults (run npm run docs:losses)', () => {
  const readme = readFileSync('README.md', 'utf8');
  expect(replaceTable(readme)).toBe(readme);
});
