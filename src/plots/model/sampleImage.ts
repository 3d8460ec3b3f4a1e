/**
 * Pure helpers of the embedding's hover card: a data set image ([h, w, c] row-major, values in
 * [0, 1]) as RGBA pixels for a canvas, and the sample's labels and attributes as text.
 *
 * - 1 channel: grey;
 * - 3 channels: RGB (colored MNIST);
 * - any other count (brain MRI has 2 slices): each channel in grey, side by side, `gap` transparent
 *   pixels apart, so no channel is hidden.
 */
import type { DatasetInfo } from '../../contracts/dataset';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4, row-major. */
  data: Uint8ClampedArray<ArrayBuffer>;
}

const toByte = (v: number) => (v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0); // NaN → 0

export function imageToRgba(
  pixels: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  { gap = 2 }: { gap?: number } = {},
): RgbaImage {
  if (pixels.length < height * width * channels)
    throw new Error(
      `imageToRgba: expected ${height}×${width}×${channels} values, got ${pixels.length}`,
    );
  if (channels === 1 || channels === 3) {
    const data = new Uint8ClampedArray(height * width * 4);
    for (let p = 0; p < height * width; p++) {
      const o = p * channels;
      const r = toByte(pixels[o]!);
      data[p * 4] = r;
      data[p * 4 + 1] = channels === 3 ? toByte(pixels[o + 1]!) : r;
      data[p * 4 + 2] = channels === 3 ? toByte(pixels[o + 2]!) : r;
      data[p * 4 + 3] = 255;
    }
    return { width, height, data };
  }
  const outWidth = channels * width + (channels - 1) * gap;
  const data = new Uint8ClampedArray(height * outWidth * 4);
  for (let c = 0; c < channels; c++) {
    const x0 = c * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = toByte(pixels[(y * width + x) * channels + c]!);
        const o = (y * outWidth + x0 + x) * 4;
        data[o] = v;
        data[o + 1] = v;
        data[o + 2] = v;
        data[o + 3] = 255;
      }
    }
  }
  return { width: outWidth, height, data };
}

export interface SampleFacts {
  labels: Record<string, number>;
  attributes: Record<string, number>;
  flags: Record<string, number>;
}

/** One line per label ("digit: 7"), attribute ("age: 54.2 years") and flag ("biasAligned: yes"). */
export function sampleCaption(
  sample: SampleFacts,
  info?: Pick<DatasetInfo, 'labels' | 'attributes'>,
): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(sample.labels)) {
    const names = info?.labels.find((l) => l.name === name)?.classNames;
    const shown = names?.[value] !== undefined ? `${names[value]}` : String(value);
    lines.push(`${name}: ${shown}`);
  }
  for (const [name, value] of Object.entries(sample.attributes)) {
    const unit = info?.attributes.find((a) => a.name === name)?.unit;
    const shown = Number.isFinite(value) ? formatNumber(value) : String(value);
    lines.push(`${name}: ${shown}${unit ? ` ${unit}` : ''}`);
  }
  for (const [name, value] of Object.entries(sample.flags))
    lines.push(`${name}: ${value ? 'yes' : 'no'}`);
  return lines;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v.toPrecision(2);
}
