/**
 * NumPy `.npy` files (format version 1.0): a magic string, a Python-dict header padded so the data
 * starts on a 64-byte boundary, then the raw little-endian values in C order. Enough of the format
 * for the exporter's arrays; `numpy.load` reads them (test/python/test_npy.py checks it).
 */

export type NpyArray = Float32Array | Int32Array | Uint8Array;

function descrOf(data: NpyArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint8Array) return '|u1';
  throw new Error('no .npy dtype for this array');
}

/** Host byte order: the typed array's bytes are copied as they are only on a little-endian host. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new Error(`.npy shape [${shape.join(', ')}] holds ${size} values, not ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': (${dims}), }`;
  // magic (6) + version (2) + header length (2) + header + '\n' is a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY, version 1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = 10 + header.length;
  if (LITTLE_ENDIAN || data instanceof Uint8Array) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), body);
  } else {
    const view = new DataView(out.buffer, body);
    for (let i = 0; i < data.length; i++) {
      if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
      else view.setInt32(i * 4, data[i]!, true);
    }
  }
  return out;
}

/** Reads back what encodeNpy writes (the exporter's own tests; numpy reads the files in Python). */
export function decodeNpy(bytes: Uint8Array): { data: NpyArray; shape: number[] } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error('not a .npy file');
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + length));
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const dims = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = dims
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const raw = bytes.slice(10 + length);
  const data =
    descr === '<f4'
      ? new Float32Array(raw.buffer)
      : descr === '<i4'
        ? new Int32Array(raw.buffer)
        : descr === '|u1'
          ? raw
          : null;
  if (!data) throw new Error(`unsupported .npy dtype ${descr}`);
  return { data, shape };
}
