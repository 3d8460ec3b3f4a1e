/**
 * Decoders for uploaded images: PNG with fast-png, JPEG with jpeg-js (both pure JavaScript, so the
 * browser, its workers and Node decode alike), NIfTI-1/2 volumes (.nii / .nii.gz) with
 * nifti-reader-js (one axial slice). Every failure is an Error whose message says what is wrong
 * with the file.
 */
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import * as nifti from 'nifti-reader-js';

export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** h·w·c values in [0, 1], row-major, channel-last. */
  data: Float32Array;
}

export type ImageKind = 'png' | 'jpeg' | 'nifti' | 'unknown';

export function sniff(bytes: Uint8Array, name: string): ImageKind {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (/\.nii(\.gz)?$/i.test(name)) return 'nifti';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'nifti';
  if (bytes.length >= 348) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const h = dv.getInt32(0, true);
    if (h === 348 || h === 540) return 'nifti';
  }
  return 'unknown';
}

export function decodePngBytes(bytes: Uint8Array): DecodedImage {
  let png;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw new Error(`unreadable PNG (${(e as Error).message})`, { cause: e });
  }
  let data = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  const max = png.depth === 16 ? 65535 : png.palette ? 255 : (1 << png.depth) - 1;
  const { width, height } = png;
  const colour = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  const outC = colour ? 3 : 1;
  const out = new Float32Array(width * height * outC);
  for (let p = 0; p < width * height; p++) {
    const a = hasAlpha ? (data[p * channels + channels - 1] as number) / max : 1;
    for (let c = 0; c < outC; c++)
      out[p * outC + c] = ((data[p * channels + c] as number) / max) * a;
  }
  return { width, height, channels: outC, data: out };
}

/**
 * JPEG with jpeg-js (pure JavaScript): the same decoder in Node, the page and the worker, so an
 * uploaded folder gives the same pixels everywhere (browsers' own decoders may differ slightly).
 * The EXIF orientation is applied, as browsers do, so a portrait phone photo stands upright.
 */
function decodeJpegBytes(bytes: Uint8Array): DecodedImage {
  let image: { width: number; height: number; data: Uint8Array; exifBuffer?: Uint8Array };
  try {
    image = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 40 });
  } catch (e) {
    const message = (e as Error).message;
    if (/limit exceeded/.test(message))
      throw new Error(`JPEG too large to decode here (${message})`, { cause: e });
    throw new Error(`unreadable JPEG (${message})`, { cause: e });
  }
  const { width, height, data: rgba } = image;
  if (!width || !height) throw new Error('unreadable JPEG (no image data)');
  let grey = true;
  for (let p = 0; p < rgba.length && grey; p += 4) {
    if (rgba[p] !== rgba[p + 1] || rgba[p] !== rgba[p + 2]) grey = false;
  }
  const outC = grey ? 1 : 3;
  const orientation = exifOrientation(image.exifBuffer);
  const turned = orientation >= 5; // 5–8 swap width and height
  const ow = turned ? height : width;
  const oh = turned ? width : height;
  const out = new Float32Array(ow * oh * outC);
  for (let dy = 0; dy < oh; dy++) {
    for (let dx = 0; dx < ow; dx++) {
      const [sx, sy] = sourceOf(orientation, dx, dy, width, height);
      const src = (sy * width + sx) * 4;
      const dst = (dy * ow + dx) * outC;
      for (let c = 0; c < outC; c++) out[dst + c] = (rgba[src + c] as number) / 255;
    }
  }
  return { width: ow, height: oh, channels: outC, data: out };
}

/** The stored pixel shown at (dx, dy) for EXIF orientation 1–8 (w, h: the stored size). */
function sourceOf(o: number, dx: number, dy: number, w: number, h: number): [number, number] {
  switch (o) {
    case 2:
      return [w - 1 - dx, dy];
    case 3:
      return [w - 1 - dx, h - 1 - dy];
    case 4:
      return [dx, h - 1 - dy];
    case 5:
      return [dy, dx];
    case 6:
      return [dy, h - 1 - dx];
    case 7:
      return [w - 1 - dy, h - 1 - dx];
    case 8:
      return [w - 1 - dy, dx];
    default:
      return [dx, dy];
  }
}

/** The Orientation tag (0x0112) of an EXIF block's first IFD; 1 when absent or unreadable. */
export function exifOrientation(exif: Uint8Array | undefined): number {
  if (!exif) return 1;
  let t = -1;
  for (let i = 0; i + 4 <= Math.min(exif.length, 16); i++) {
    const ii =
      exif[i] === 0x49 && exif[i + 1] === 0x49 && exif[i + 2] === 0x2a && exif[i + 3] === 0;
    const mm =
      exif[i] === 0x4d && exif[i + 1] === 0x4d && exif[i + 2] === 0 && exif[i + 3] === 0x2a;
    if (ii || mm) {
      t = i;
      break;
    }
  }
  if (t < 0) return 1;
  const dv = new DataView(exif.buffer, exif.byteOffset + t, exif.length - t);
  const le = exif[t] === 0x49;
  try {
    const ifd = dv.getUint32(4, le);
    const n = dv.getUint16(ifd, le);
    for (let k = 0; k < n; k++) {
      const entry = ifd + 2 + k * 12;
      if (dv.getUint16(entry, le) === 0x0112) {
        const v = dv.getUint16(entry + 8, le);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
  } catch {
    return 1; // a truncated or malformed block: show the pixels as stored
  }
  return 1;
}

const NIFTI_TYPES: Record<
  number,
  { bytes: number; read: (dv: DataView, o: number, le: boolean) => number }
> = {
  2: { bytes: 1, read: (dv, o) => dv.getUint8(o) },
  4: { bytes: 2, read: (dv, o, le) => dv.getInt16(o, le) },
  8: { bytes: 4, read: (dv, o, le) => dv.getInt32(o, le) },
  16: { bytes: 4, read: (dv, o, le) => dv.getFloat32(o, le) },
  64: { bytes: 8, read: (dv, o, le) => dv.getFloat64(o, le) },
  256: { bytes: 1, read: (dv, o) => dv.getInt8(o) },
  512: { bytes: 2, read: (dv, o, le) => dv.getUint16(o, le) },
  768: { bytes: 4, read: (dv, o, le) => dv.getUint32(o, le) },
};

/**
 * One axial slice of a NIfTI volume (index `slice`, default the middle), rows = j descending
 * (anterior at the top for RAS-stored data), intensities scaled by the slice's 0.5th–99.5th
 * percentiles into [0, 1].
 */
export function decodeNiftiBytes(bytes: Uint8Array, slice?: number): DecodedImage {
  let ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    if (nifti.isCompressed(ab)) ab = nifti.decompress(ab) as ArrayBuffer;
  } catch {
    throw new Error('corrupt gzip stream (not a readable .nii.gz)');
  }
  if (!nifti.isNIFTI(ab)) throw new Error('not a NIfTI-1/2 file (bad header magic)');
  let h;
  try {
    h = nifti.readHeader(ab);
  } catch (e) {
    throw new Error(`unreadable NIfTI header (${(e as Error).message})`, { cause: e });
  }
  const nd = h.dims[0] ?? 0;
  const nx = h.dims[1] ?? 0;
  const ny = h.dims[2] ?? 0;
  const nz = nd >= 3 ? (h.dims[3] ?? 1) : 1;
  if (nd < 2 || nd > 7 || nx < 2 || ny < 2 || nz < 1) {
    throw new Error(
      `expected a 2-D or 3-D image, header dims are [${h.dims.slice(0, nd + 1).join(', ')}]`,
    );
  }
  const type = NIFTI_TYPES[h.datatypeCode];
  if (!type) throw new Error(`unsupported NIfTI datatype code ${h.datatypeCode}`);
  const k = slice === undefined ? Math.floor(nz / 2) : slice;
  if (!Number.isInteger(k) || k < 0 || k >= nz)
    throw new Error(`slice ${slice} is outside 0..${nz - 1}`);
  const voxOffset = Math.max(Number(h.vox_offset) || 0, 0);
  const need = voxOffset + nx * ny * nz * type.bytes;
  if (ab.byteLength < need) {
    throw new Error(`truncated: expected ${need} bytes (header + voxels), found ${ab.byteLength}`);
  }
  const dv = new DataView(ab);
  const le = h.littleEndian;
  const slope = h.scl_slope && Number.isFinite(h.scl_slope) ? h.scl_slope : 1;
  const inter = Number.isFinite(h.scl_inter) ? h.scl_inter : 0;
  const vals = new Float32Array(nx * ny);
  for (let r = 0; r < ny; r++) {
    const j = ny - 1 - r;
    for (let i = 0; i < nx; i++) {
      const o = voxOffset + (i + nx * (j + ny * k)) * type.bytes;
      const v = type.read(dv, o, le) * slope + inter;
      vals[r * nx + i] = Number.isFinite(v) ? v : 0;
    }
  }
  const sorted = Float32Array.from(vals).sort();
  const lo = sorted[Math.floor(0.005 * (sorted.length - 1))] as number;
  const hi = sorted[Math.ceil(0.995 * (sorted.length - 1))] as number;
  const range = hi > lo ? hi - lo : 1;
  const data = new Float32Array(nx * ny);
  for (let p = 0; p < data.length; p++) {
    const v = ((vals[p] as number) - lo) / range;
    data[p] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return { width: nx, height: ny, channels: 1, data };
}

export async function decodeImageFile(
  bytes: Uint8Array,
  name: string,
  niftiSlice?: number,
): Promise<DecodedImage> {
  switch (sniff(bytes, name)) {
    case 'png':
      return decodePngBytes(bytes);
    case 'jpeg':
      return decodeJpegBytes(bytes);
    case 'nifti':
      return decodeNiftiBytes(bytes, niftiSlice);
    default:
      throw new Error('not a PNG, JPEG or NIfTI image (unrecognised content)');
  }
}

/**
 * Averages k_y×k_x blocks (integer factors, O(source pixels)) so that a large photo comes down to
 * at most about twice the target size before the supersampled resize below, whose cost grows with
 * the square of the shrink factor (a 12-megapixel photo would take tens of seconds).
 */
export function boxShrink(img: DecodedImage, h: number, w: number): DecodedImage {
  const ky = Math.max(1, Math.floor(img.height / h));
  const kx = Math.max(1, Math.floor(img.width / w));
  if (kx === 1 && ky === 1) return img;
  const oh = Math.floor(img.height / ky);
  const ow = Math.floor(img.width / kx);
  const c = img.channels;
  const out = new Float32Array(oh * ow * c);
  const src = img.data;
  for (let y = 0; y < oh * ky; y++) {
    const row = Math.floor(y / ky) * ow;
    for (let x = 0; x < ow * kx; x++) {
      const o = (row + Math.floor(x / kx)) * c;
      const i = (y * img.width + x) * c;
      for (let ch = 0; ch < c; ch++)
        out[o + ch] = (out[o + ch] as number) + (src[i + ch] as number);
    }
  }
  const inv = 1 / (kx * ky);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inv;
  return { width: ow, height: oh, channels: img.channels, data: out };
}

/** Resizes to h×w and converts to c channels (luma for colour → grey), by supersampled bilinear. */
export function resizeImage(img: DecodedImage, h: number, w: number, c: 1 | 3): Float32Array {
  const out = new Float32Array(h * w * c);
  const sy = img.height / h;
  const sx = img.width / w;
  const ss = Math.max(1, Math.ceil(Math.max(sx, sy)));
  const ic = img.channels;
  const px = (x: number, y: number, ch: number): number => {
    const xc = Math.min(img.width - 1, Math.max(0, x));
    const yc = Math.min(img.height - 1, Math.max(0, y));
    const x0 = Math.floor(xc);
    const y0 = Math.floor(yc);
    const x1 = Math.min(img.width - 1, x0 + 1);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const fx = xc - x0;
    const fy = yc - y0;
    const g = (xx: number, yy: number) => img.data[(yy * img.width + xx) * ic + ch] as number;
    return (
      (g(x0, y0) * (1 - fx) + g(x1, y0) * fx) * (1 - fy) +
      (g(x0, y1) * (1 - fx) + g(x1, y1) * fx) * fy
    );
  };
  const sample = (x: number, y: number, ch: number): number => {
    if (ic === c) return px(x, y, ch);
    if (ic === 3 && c === 1) return 0.299 * px(x, y, 0) + 0.587 * px(x, y, 1) + 0.114 * px(x, y, 2);
    return px(x, y, 0); // grey → colour
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let a = 0; a < ss; a++) {
          for (let b = 0; b < ss; b++) {
            acc += sample((x + (b + 0.5) / ss) * sx - 0.5, (y + (a + 0.5) / ss) * sy - 0.5, ch);
          }
        }
        out[(y * w + x) * c + ch] = acc / (ss * ss);
      }
    }
  }
  return out;
}
