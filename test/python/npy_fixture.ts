/**
 * Writes .npy files with src/export/npy.ts for test_npy.py: every dtype the exporter uses, 1-D to
 * 4-D, an empty array, and headers of several lengths (the 64-byte padding).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '../../src/export/npy';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npy_fixture.ts DIR');
mkdirSync(dir, { recursive: true });
const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const cases = {
  f32_1d: encodeNpy(new Float32Array([0, -1.5, 3.25, 1e-30, Math.PI, -Infinity, NaN]), [7]),
  f32_4d: encodeNpy(new Float32Array(ramp(2 * 3 * 4 * 5, (i) => i / 7 - 3)), [2, 3, 4, 5]),
  i32_1d: encodeNpy(new Int32Array([0, 1, -1, 2147483647, -2147483648]), [5]),
  u8_2d: encodeNpy(new Uint8Array(ramp(3 * 100, (i) => i % 256)), [3, 100]),
  f32_empty: encodeNpy(new Float32Array(0), [0, 4]),
  f32_long_shape: encodeNpy(new Float32Array(ramp(120, (i) => i)), [1, 2, 3, 4, 5, 1]),
};
for (const [name, bytes] of Object.entries(cases)) writeFileSync(join(dir, `${name}.npy`), bytes);
