import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/data/index';
import { memoryReader } from '../../../src/data/memoryReader';
import type { DataError } from '../../../src/data/types';

function png(seed: number, size = 8, channels = 1): Uint8Array {
  const data = new Uint8Array(size * size * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101) % 256;
  return encode({ width: size, height: size, data, channels, depth: 8 });
}

/** A minimal NIfTI-1 file (uint8 volume), optionally cut short. */
function nii(nx: number, ny: number, nz: number, truncateTo?: number): Uint8Array {
  const buf = new ArrayBuffer(352 + nx * ny * nz);
  const dv = new DataView(buf);
  dv.setInt32(0, 348, true);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => dv.setInt16(40 + 2 * i, d, true));
  dv.setInt16(70, 2, true); // uint8
  dv.setInt16(72, 8, true);
  for (let i = 0; i < 8; i++) dv.setFloat32(76 + 4 * i, 1, true);
  dv.setFloat32(108, 352, true);
  dv.setFloat32(112, 1, true);
  new Uint8Array(buf, 344, 4).set([0x6e, 0x2b, 0x31, 0]); // "n+1\0"
  const vox = new Uint8Array(buf, 352);
  for (let i = 0; i < vox.length; i++) vox[i] = i % 200;
  const all = new Uint8Array(buf);
  return truncateTo === undefined ? all : all.slice(0, truncateTo);
}

function find(errors: DataError[], line: number): DataError {
  const e = errors.find((x) => x.line === line);
  if (!e) throw new Error(`no error for line ${line}: ${JSON.stringify(errors)}`);
  return e;
}

describe('user-images: PNG / JPEG / NIfTI with a CSV', () => {
  const csv = [
    'file,label,age', // line 1
    'img/a.png,cat,3', // 2 ok
    'img/b.png,dog,4', // 3 ok
    'img/c.png,cat,5', // 4 ok
    'img/d.png,dog,x', // 5 bad number
    'img/missing.png,cat,2', // 6 missing file
    'img/bad.png,dog,1', // 7 unreadable PNG
    'img/e.png,cat', // 8 wrong field count
    'vol/ok.nii,dog,6', // 9 ok (NIfTI)
    'vol/bad.nii,cat,7', // 10 not a NIfTI
    'vol/trunc.nii,cat,8', // 11 truncated NIfTI
    'img/f.jpg,dog,9', // 12 JPEG: needs a browser decoder in Node
    '"img/g.png",dog,2', // 13 ok (quoted)
    'img/h.png,,3', // 14 empty label
  ].join('\n');
  const badPng = png(9);
  badPng.fill(7, 40); // keep the signature, corrupt the chunks
  const files = {
    'upload/labels.csv': csv,
    'upload/img/a.png': png(1),
    'upload/img/b.png': png(2, 16), // a different size: resized
    'upload/img/c.png': png(3),
    'upload/img/d.png': png(4),
    'upload/img/bad.png': badPng,
    'upload/img/e.png': png(5),
    'upload/img/g.png': png(6, 8, 3), // colour: the set becomes RGB
    'upload/vol/ok.nii': nii(8, 8, 4),
    'upload/vol/bad.nii': new TextEncoder().encode('this is not a volume at all'.repeat(20)),
    'upload/vol/trunc.nii': nii(8, 8, 4, 352 + 100),
    'upload/img/f.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0]),
  };

  it('keeps the valid files and names the file, line and problem of every bad one', async () => {
    const { dataset, errors } = await loadDataset(
      { name: 'user-images', csv: 'upload/labels.csv', seed: 1, testFraction: 0.2 },
      memoryReader(files),
    );
    expect(dataset.train.n + dataset.test.n).toBe(5); // a, b, c, ok.nii, g
    expect(dataset.test.n).toBeGreaterThanOrEqual(1);
    expect(dataset.info.imageShape).toEqual({ height: 8, width: 8, channels: 3 });
    expect(dataset.info.labels[0]?.classNames).toEqual(['cat', 'dog']);
    expect(dataset.info.attributes.map((a) => a.name)).toEqual(['age']);
    const ages = [...dataset.train.attributes.age!, ...dataset.test.attributes.age!].sort();
    expect(ages).toEqual([2, 3, 4, 5, 6]);
    expect(errors.map((e) => e.line)).toEqual([5, 6, 7, 8, 10, 11, 12, 14]);
    expect(find(errors, 5)).toMatchObject({ file: 'upload/labels.csv' });
    expect(find(errors, 5).message).toMatch(/column 'age': 'x' is not a number/);
    expect(find(errors, 6)).toMatchObject({ file: 'img/missing.png' });
    expect(find(errors, 6).message).toMatch(/not found/);
    expect(find(errors, 7)).toMatchObject({ file: 'img/bad.png' });
    expect(find(errors, 7).message).toMatch(/unreadable PNG/);
    expect(find(errors, 8).message).toMatch(/expected 3 fields/);
    expect(find(errors, 10)).toMatchObject({ file: 'vol/bad.nii' });
    expect(find(errors, 10).message).toMatch(/not a NIfTI/);
    expect(find(errors, 11).message).toMatch(/truncated/);
    expect(find(errors, 12).message).toMatch(/JPEG/);
    expect(find(errors, 14).message).toMatch(/empty 'label'/);
    for (const v of dataset.train.images) {
      if (v < 0 || v > 1) throw new Error(`value ${v} outside [0, 1]`);
    }
  });

  it('reads a NIfTI slice in the documented orientation', async () => {
    const { dataset } = await loadDataset(
      { name: 'user-images', csv: 'list.csv', testFraction: 0, niftiSlice: 1 },
      memoryReader({ 'list.csv': 'file,label\nv.nii,a\n', 'v.nii': nii(4, 3, 2) }),
    );
    const img = dataset.train.images;
    expect(dataset.info.imageShape).toEqual({ height: 3, width: 4, channels: 1 });
    // voxel (i, j, k=1) = (i + 4·(j + 3·1)) % 200; row 0 is j = 2 (top), so values rise along rows
    // and fall from row to row; percentile scaling maps them to [0, 1].
    expect(img[0]).toBeGreaterThan(img[8] as number); // top row brighter than bottom row
    expect(img[1]).toBeGreaterThan(img[0] as number); // increases with i
  });

  it('fails with a clear message when the CSV itself is unusable', async () => {
    await expect(
      loadDataset({ name: 'user-images', csv: 'nope.csv' }, memoryReader({})),
    ).rejects.toThrow(/nope\.csv: cannot read the CSV/);
    await expect(
      loadDataset(
        { name: 'user-images', csv: 'l.csv' },
        memoryReader({ 'l.csv': 'name,label\na.png,1\n' }),
      ),
    ).rejects.toThrow(/l\.csv: line 1: no 'file' column/);
    await expect(
      loadDataset(
        { name: 'user-images', csv: 'l.csv' },
        memoryReader({ 'l.csv': 'file,label\na.png,1\n' }),
      ),
    ).rejects.toThrow(/no valid image[\s\S]*a\.png:2: file not found/);
  });
});

describe('user-features: a CSV of numeric features', () => {
  it('scales features to [0, 1], keeps attributes, reports bad lines', async () => {
    const csv = [
      'f1,f2,label,age',
      '0,10,a,30', // 2
      '1,20,b,40', // 3
      '2,30,a,50', // 4
      '3,oops,b,60', // 5 bad feature
      '4,50,b', // 6 wrong count
      '"5",60,a,70', // 7 ok, quoted
      '6,70,,80', // 8 empty label
      '8,90,b,90', // 9 ok
    ].join('\r\n');
    const { dataset, errors } = await loadDataset(
      {
        name: 'user-features',
        csv: 'x.csv',
        attributeColumns: ['age'],
        testFraction: 0.25,
        seed: 2,
      },
      memoryReader({ 'x.csv': csv }),
    );
    expect(dataset.info.imageShape).toEqual({ height: 1, width: 1, channels: 2 });
    expect(dataset.info.channelNames).toEqual(['f1', 'f2']);
    expect(dataset.train.n + dataset.test.n).toBe(5);
    expect(errors.map((e) => e.line)).toEqual([5, 6, 8]);
    expect(errors[0]?.message).toMatch(/column 'f2': 'oops' is not a number/);
    expect(errors[0]?.file).toBe('x.csv');
    const all = [...dataset.train.images, ...dataset.test.images];
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(1);
    const ages = [...dataset.train.attributes.age!, ...dataset.test.attributes.age!].sort(
      (a, b) => a - b,
    );
    expect(ages).toEqual([30, 40, 50, 70, 90]);
  });
});
