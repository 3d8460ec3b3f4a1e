import { encode } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { gzipSync } from 'node:zlib';
import { filesReader } from '../../../src/data/browserReader';
import { boxShrink } from '../../../src/data/user/decode';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/data/index';
import { memoryReader } from '../../../src/data/memoryReader';
import type { DataError } from '../../../src/data/types';
import { nifti } from './files';

function png(seed: number, size = 8, channels = 1): Uint8Array {
  const data = new Uint8Array(size * size * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101) % 256;
  return encode({ width: size, height: size, data, channels, depth: 8 });
}

const nii = (nx: number, ny: number, nz: number, truncateTo?: number) =>
  nifti(nx, ny, nz, truncateTo === undefined ? {} : { truncateTo });

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

/** A real baseline JPEG (jpeg-js's encoder): a grey or colour gradient. */
function jpeg(width: number, height: number, colour: boolean): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const v = Math.round((255 * (p % width)) / (width - 1));
    data.set(colour ? [v, 255 - v, 128, 255] : [v, v, v, 255], p * 4);
  }
  return encodeJpeg({ width, height, data }, 95).data;
}

/** A NIfTI-1 file whose header fields are set to `patch` (offset → [kind, value]). */
function niiWith(patch: Record<number, ['i16' | 'i32', number]>): Uint8Array {
  const bytes = nii(8, 8, 2);
  const dv = new DataView(bytes.buffer);
  for (const [offset, [kind, value]] of Object.entries(patch)) {
    if (kind === 'i16') dv.setInt16(Number(offset), value, true);
    else dv.setInt32(Number(offset), value, true);
  }
  return bytes;
}

describe('user-images: every kind of bad upload has its message; valid files are kept', () => {
  it('names the problem of each bad file and line, and keeps the good ones', async () => {
    const csv = [
      'file,label',
      'good.png,a', // 2 ok
      'colour.jpg,b', // 3 ok: a real JPEG decodes in Node too
      'grey.jpeg,a', // 4 ok
      'half.jpg,b', // 5 unreadable JPEG (cut short)
      'notes.txt,a', // 6 not an image
      ',b', // 7 empty file field
      'dtype.nii,a', // 8 unsupported NIfTI datatype
      'dims.nii,b', // 9 a 1-D "image"
      'broken.nii.gz,a', // 10 gzip magic, corrupt stream
      '"unterminated.png,b', // 11 unterminated quote
    ].join('\n');
    const colour = jpeg(12, 10, true);
    const files = {
      'labels.csv': csv,
      'good.png': png(1),
      'colour.jpg': colour,
      'grey.jpeg': jpeg(12, 10, false),
      'half.jpg': colour.slice(0, 40),
      'notes.txt': 'just some text, not an image at all',
      'dtype.nii': niiWith({ 70: ['i16', 128] }), // RGB24: not supported
      'dims.nii': niiWith({ 40: ['i16', 1] }),
      'broken.nii.gz': new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    };
    const { dataset, errors } = await loadDataset(
      { name: 'user-images', csv: 'labels.csv', testFraction: 0, size: 8 },
      memoryReader(files),
    );
    expect(dataset.train.n).toBe(3);
    expect(dataset.info.imageShape.channels).toBe(3); // the colour JPEG makes the set RGB
    const byLine = Object.fromEntries(errors.map((e) => [e.line, e]));
    expect(Object.keys(byLine).map(Number)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(byLine[5]).toMatchObject({ file: 'half.jpg' });
    expect(byLine[5]!.message).toMatch(/unreadable JPEG/);
    expect(byLine[6]).toMatchObject({ file: 'notes.txt' });
    expect(byLine[6]!.message).toMatch(/not a PNG, JPEG or NIfTI/);
    expect(byLine[7]).toMatchObject({ file: 'labels.csv' });
    expect(byLine[7]!.message).toMatch(/empty 'file'/);
    expect(byLine[8]!.message).toMatch(/unsupported NIfTI datatype code 128/);
    expect(byLine[9]!.message).toMatch(/expected a 2-D or 3-D image/);
    expect(byLine[10]).toMatchObject({ file: 'broken.nii.gz' });
    expect(byLine[10]!.message).toMatch(/corrupt gzip/);
    expect(byLine[11]).toMatchObject({ file: 'labels.csv' });
    expect(byLine[11]!.message).toMatch(/unterminated quoted field/);
  });

  it('decodes a real JPEG in Node: its size, grey vs colour and its gradient', async () => {
    const { dataset } = await loadDataset(
      { name: 'user-images', csv: 'l.csv', testFraction: 0 },
      memoryReader({ 'l.csv': 'file\ng.jpg\n', 'g.jpg': jpeg(16, 4, false) }),
    );
    expect(dataset.info.imageShape).toEqual({ height: 4, width: 16, channels: 1 });
    const row = Array.from(dataset.train.images.slice(0, 16));
    expect(row[0]).toBeLessThan(0.05);
    expect(row[15]).toBeGreaterThan(0.95);
    for (let x = 1; x < 16; x++) expect(row[x]!).toBeGreaterThan(row[x - 1]! - 0.03);
  });
});

describe('user-images without a CSV (csv: null)', () => {
  it('labels each image by its first folder, ignores other files, names unreadable ones', async () => {
    const { dataset, errors } = await loadDataset(
      { name: 'user-images', csv: null, testFraction: 0.25, seed: 3 },
      memoryReader({
        'cats/a.png': png(1),
        'cats/b.png': png(2),
        'cats/c.png': png(3),
        'cats/d.png': png(4),
        'dogs/a.png': png(5),
        'dogs/deep/b.jpg': jpeg(8, 8, false),
        'dogs/c.png': png(6),
        'dogs/broken.png': new TextEncoder().encode('nope'),
        'dogs/notes.txt': 'ignored: not an image',
        'README.md': 'ignored too',
        'dogs/._a.png': 'macOS metadata, not an image',
        '__MACOSX/dogs/._c.png': 'macOS metadata too',
        '.thumbs/x.png': png(9),
      }),
    );
    expect(dataset.info.labels[0]!.classNames).toEqual(['cats', 'dogs']);
    expect(dataset.train.n + dataset.test.n).toBe(7);
    const labels = [...dataset.train.labels.label!, ...dataset.test.labels.label!];
    expect(labels.filter((l) => l === 0)).toHaveLength(4);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'dogs/broken.png' });
    expect(errors[0]!.line).toBeUndefined();
  });

  it('reads loose NIfTI volumes as one unlabelled set', async () => {
    const { dataset, errors } = await loadDataset(
      { name: 'user-images', csv: null, testFraction: 0.2 },
      memoryReader({
        'sub-01.nii.gz': gzipSync(nii(8, 8, 3)),
        'sub-02.nii': nii(8, 8, 3),
        'sub-03.nii.gz': gzipSync(nii(8, 8, 5)),
        'sub-04.nii': nii(8, 8, 3),
        'sub-05.nii': nii(8, 8, 4),
      }),
    );
    expect(errors).toEqual([]);
    expect(dataset.train.n + dataset.test.n).toBe(5);
    expect(dataset.info.labels[0]!.classNames).toEqual(['(unlabelled)']);
    expect(dataset.info.imageShape).toEqual({ height: 8, width: 8, channels: 1 });
  });

  it('says so when the reader cannot list its files, or none is an image', async () => {
    const unlisted = async () => new ArrayBuffer(0);
    await expect(loadDataset({ name: 'user-images', csv: null }, unlisted)).rejects.toThrow(
      /cannot be listed/,
    );
    await expect(
      loadDataset({ name: 'user-images', csv: null }, memoryReader({ 'a.txt': 'x' })),
    ).rejects.toThrow(/no PNG, JPEG or NIfTI file/);
  });
});

describe('filesReader (the chosen files in the browser)', () => {
  const file = (name: string, path: string, text = name) =>
    Object.assign(new File([text], name), { webkitRelativePath: path }) as File;

  it('reads by path inside the chosen folder, lists every path, and falls back to a unique name', async () => {
    const reader = filesReader([
      file('a.png', 'set/img/a.png', 'A'),
      file('labels.csv', 'set/labels.csv', 'L'),
      file('b.png', '', 'B'),
    ]);
    expect(reader.list?.()).toEqual(['b.png', 'img/a.png', 'labels.csv']);
    expect(new TextDecoder().decode(await reader('img/a.png'))).toBe('A');
    expect(new TextDecoder().decode(await reader('photos/b.png'))).toBe('B');
    await expect(reader('c.png')).rejects.toThrow(/not found/);
  });

  it('never reads one of two loose files that share a path', async () => {
    const reader = filesReader([file('labels.csv', '', 'first'), file('labels.csv', '', 'second')]);
    await expect(reader('labels.csv')).rejects.toThrow(/several chosen files have this path/);
  });

  it('never guesses between two files of the same name', async () => {
    const reader = filesReader([file('a.png', 'set/x/a.png'), file('a.png', 'set/y/a.png')]);
    expect(new TextDecoder().decode(await reader('x/a.png'))).toBe('a.png');
    await expect(reader('z/a.png')).rejects.toThrow(/2 chosen files are named a\.png/);
  });
});

describe('large photos and reader failures', () => {
  it('boxShrink averages whole blocks; a large photo comes down to the target size', async () => {
    const img = {
      width: 4,
      height: 2,
      channels: 1 as const,
      data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    };
    const half = boxShrink(img, 1, 2);
    expect(half).toMatchObject({ width: 2, height: 1 });
    expect(Array.from(half.data)).toEqual([2.5, 4.5]);
    // A 1200×900 photo with a left-to-right ramp: 64×48 (the long side at 64), ramp kept.
    const { dataset } = await loadDataset(
      { name: 'user-images', csv: 'l.csv', testFraction: 0 },
      memoryReader({ 'l.csv': 'file\nbig.jpg\n', 'big.jpg': jpeg(1200, 900, false) }),
    );
    expect(dataset.info.imageShape).toEqual({ height: 48, width: 64, channels: 1 });
    const row = Array.from(dataset.train.images.slice(20 * 64, 21 * 64));
    expect(row[0]).toBeLessThan(0.05);
    expect(row[63]).toBeGreaterThan(0.95);
  });

  it('keeps the reader’s own reason, e.g. two chosen files of the same name', async () => {
    const file = (name: string, path: string, bytes: Uint8Array | string) =>
      Object.assign(new File([bytes as BlobPart], name), { webkitRelativePath: path }) as File;
    const { errors } = await loadDataset(
      { name: 'user-images', csv: 'labels.csv', testFraction: 0 },
      filesReader([
        file('labels.csv', 'set/labels.csv', 'file,label\na.png,x\nb.png,y\nc.png,x\n'),
        file('a.png', 'set/x/a.png', png(1)),
        file('a.png', 'set/y/a.png', png(2)),
        file('b.png', 'set/b.png', png(3)),
      ]),
    );
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'a.png: 2 chosen files are named a.png; which one is meant?'],
      [4, 'file not found (listed in labels.csv)'],
    ]);
  });

  it('reads CSV paths written on Windows (img\\a.png) or with a leading ./', async () => {
    const { dataset, errors } = await loadDataset(
      { name: 'user-images', csv: 'l.csv', testFraction: 0 },
      memoryReader({
        'l.csv': 'file\nimg\\a.png\n./img/b.png\n',
        'img/a.png': png(1),
        'img/b.png': png(2),
      }),
    );
    expect(errors).toEqual([]);
    expect(dataset.train.n).toBe(2);
  });
});

describe('JPEG EXIF orientation', () => {
  /** "Exif\0\0" + a little-endian TIFF header + one IFD entry: Orientation = `o`. */
  function exif(o: number): Uint8Array {
    const b = new Uint8Array(6 + 8 + 2 + 12 + 4);
    b.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
    const dv = new DataView(b.buffer, 6);
    dv.setUint16(0, 0x4949, false); // "II": little-endian
    dv.setUint16(2, 42, true);
    dv.setUint32(4, 8, true); // first IFD at 8
    dv.setUint16(8, 1, true); // one entry
    dv.setUint16(10, 0x0112, true); // Orientation
    dv.setUint16(12, 3, true); // SHORT
    dv.setUint32(14, 1, true); // count
    dv.setUint16(18, o, true);
    return b;
  }

  /** A 16×8 landscape JPEG: bright left half, dark right half, tagged with orientation `o`. */
  function tagged(o: number): Uint8Array {
    const [w, h] = [16, 8];
    const data = new Uint8Array(w * h * 4);
    for (let p = 0; p < w * h; p++) {
      const v = p % w < w / 2 ? 240 : 10;
      data.set([v, v, v, 255], p * 4);
    }
    return encodeJpeg({ width: w, height: h, data, exifBuffer: exif(o) } as never, 95).data;
  }

  it('reads the tag, and stands the picture up as browsers do', async () => {
    const load = async (o: number) =>
      (
        await loadDataset(
          { name: 'user-images', csv: 'l.csv', testFraction: 0 },
          memoryReader({ 'l.csv': 'file\nx.jpg\n', 'x.jpg': tagged(o) }),
        )
      ).dataset;
    const upright = await load(1);
    expect(upright.info.imageShape).toEqual({ height: 8, width: 16, channels: 1 });
    expect(upright.train.images[0]).toBeGreaterThan(0.8); // bright on the left
    // 6: rotate 90° clockwise to display: 8 wide, 16 tall, the bright half on top.
    const cw = await load(6);
    expect(cw.info.imageShape).toEqual({ height: 16, width: 8, channels: 1 });
    expect(cw.train.images[0]).toBeGreaterThan(0.8);
    expect(cw.train.images[15 * 8]).toBeLessThan(0.2);
    // 8: rotate 90° counter-clockwise: the bright half at the bottom.
    const ccw = await load(8);
    expect(ccw.train.images[0]).toBeLessThan(0.2);
    expect(ccw.train.images[15 * 8]).toBeGreaterThan(0.8);
    // 3: upside down: bright on the right.
    const flipped = await load(3);
    expect(flipped.train.images[0]).toBeLessThan(0.2);
    expect(flipped.train.images[15]).toBeGreaterThan(0.8);
  });
});
