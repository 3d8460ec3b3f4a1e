import { describe, expect, test } from 'vitest';
import { imageToRgba, sampleCaption } from '../../../src/plots/model/sampleImage';

const px = (rgba: { data: Uint8ClampedArray; width: number }, x: number, y: number) =>
  Array.from(rgba.data.subarray((y * rgba.width + x) * 4, (y * rgba.width + x) * 4 + 4));

describe('imageToRgba', () => {
  test('1 channel: grey, opaque, values clamped to [0, 1] and NaN drawn black', () => {
    const img = imageToRgba(Float32Array.from([0, 0.5, 1, 2, -1, NaN]), 2, 3, 1);
    expect(img).toMatchObject({ width: 3, height: 2 });
    expect(img.data.length).toBe(2 * 3 * 4);
    expect(px(img, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(img, 1, 0)).toEqual([128, 128, 128, 255]);
    expect(px(img, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(px(img, 0, 1)).toEqual([255, 255, 255, 255]);
    expect(px(img, 1, 1)).toEqual([0, 0, 0, 255]);
    expect(px(img, 2, 1)).toEqual([0, 0, 0, 255]);
  });

  test('3 channels: RGB in order', () => {
    // 1×2: a red pixel and a (0, 0.5, 1) pixel.
    const img = imageToRgba(Float32Array.from([1, 0, 0, 0, 0.5, 1]), 1, 2, 3);
    expect(img).toMatchObject({ width: 2, height: 1 });
    expect(px(img, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(img, 1, 0)).toEqual([0, 128, 255, 255]);
  });

  test('2 channels (brain MRI slices): both in grey, side by side with a transparent gap', () => {
    // 2×2, channel 0 = 1 everywhere, channel 1 = the pixel index / 3.
    const h = 2;
    const w = 2;
    const pixels = new Float32Array(h * w * 2);
    for (let p = 0; p < h * w; p++) {
      pixels[p * 2] = 1;
      pixels[p * 2 + 1] = p / 3;
    }
    const img = imageToRgba(pixels, h, w, 2, { gap: 1 });
    expect(img).toMatchObject({ width: 2 * w + 1, height: h });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        expect(px(img, x, y)).toEqual([255, 255, 255, 255]);
        const v = Math.round(((y * w + x) / 3) * 255);
        expect(px(img, w + 1 + x, y)).toEqual([v, v, v, 255]);
      }
      expect(px(img, w, y)).toEqual([0, 0, 0, 0]); // the gap
    }
  });

  test('too few values is an error naming the shape', () => {
    expect(() => imageToRgba(new Float32Array(3), 2, 2, 1)).toThrow(/2×2×1/);
  });
});

describe('sampleCaption', () => {
  test('labels by class name, attributes with units, flags as yes/no', () => {
    const lines = sampleCaption(
      { labels: { digit: 7, color: 2 }, attributes: { age: 54.25 }, flags: { biasAligned: 1 } },
      {
        labels: [
          { name: 'digit', classNames: ['0', '1', '2', '3', '4', '5', '6', 'seven'] },
          { name: 'color', classNames: [] },
        ],
        attributes: [{ name: 'age', unit: 'years', min: 20, max: 90 }],
      },
    );
    expect(lines).toEqual(['digit: seven', 'color: 2', 'age: 54.3 years', 'biasAligned: yes']);
    expect(sampleCaption({ labels: {}, attributes: { x: 0.01234 }, flags: { t: 0 } })).toEqual([
      'x: 0.012',
      't: no',
    ]);
  });
});
