/**
 * The derived-asset container (public/data/*.bin): a gzip stream of
 *
 *   "CPDS" | u32 little-endian header length | header JSON (UTF-8) | zero padding to 8 | payload
 *
 * The header lists typed arrays (name, dtype, shape, byte offset into the payload) plus free
 * metadata. Files use a neutral `.bin` extension so static servers do not add
 * `Content-Encoding: gzip`; if one does (the browser then hands us inflated bytes), the gzip magic
 * is absent and the bytes are parsed as they are.
 */
import type { AssetReader } from './types';

export type AssetDtype = 'uint8' | 'int16' | 'int32' | 'float32';

export interface AssetArrayEntry {
  name: string;
  dtype: AssetDtype;
  shape: number[];
  offset: number;
}

export interface AssetHeader {
  format: 'cpds';
  version: 1;
  meta: Record<string, unknown>;
  arrays: AssetArrayEntry[];
}

export type AssetTypedArray = Uint8Array | Int16Array | Int32Array | Float32Array;

export interface AssetArray {
  data: AssetTypedArray;
  shape: number[];
}

export interface Asset {
  meta: Record<string, unknown>;
  arrays: Map<string, AssetArray>;
}

const MAGIC = [0x43, 0x50, 0x44, 0x53]; // "CPDS"

function dtypeOf(a: AssetTypedArray): AssetDtype {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  return 'float32';
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Serialises arrays and metadata into an (uncompressed) container. */
export function encodeAsset(
  meta: Record<string, unknown>,
  arrays: Record<string, AssetArray>,
): Uint8Array {
  const entries: AssetArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const size = a.shape.reduce((p, d) => p * d, 1);
    if (size !== a.data.length) {
      throw new Error(`asset array '${name}': shape ${a.shape} does not match ${a.data.length}`);
    }
    entries.push({ name, dtype: dtypeOf(a.data), shape: a.shape, offset });
    offset = align8(offset + a.data.byteLength);
  }
  const header: AssetHeader = { format: 'cpds', version: 1, meta, arrays: entries };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const payloadStart = align8(8 + json.length);
  const out = new Uint8Array(payloadStart + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  for (const e of entries) {
    const a = arrays[e.name];
    if (!a) continue;
    out.set(
      new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength),
      payloadStart + e.offset,
    );
  }
  return out;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates a gzip stream with the platform's DecompressionStream (browsers, Node ≥ 18). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parses an (uncompressed) container. */
export function decodeAsset(bytes: Uint8Array, name = 'asset'): Asset {
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error(`${name}: not a data asset (bad magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as AssetHeader;
  if (header.format !== 'cpds' || header.version !== 1) {
    throw new Error(`${name}: unsupported asset format`);
  }
  const payloadStart = align8(8 + len);
  const arrays = new Map<string, AssetArray>();
  for (const e of header.arrays) {
    const size = e.shape.reduce((p, d) => p * d, 1);
    const start = bytes.byteOffset + payloadStart + e.offset;
    // Copy into a fresh, aligned buffer (the source may not be aligned for 16/32-bit views).
    const byteLen = size * (e.dtype === 'uint8' ? 1 : e.dtype === 'int16' ? 2 : 4);
    if (payloadStart + e.offset + byteLen > bytes.byteLength) {
      throw new Error(`${name}: array '${e.name}' is truncated`);
    }
    const copy = bytes.buffer.slice(start, start + byteLen) as ArrayBuffer;
    const data: AssetTypedArray =
      e.dtype === 'uint8'
        ? new Uint8Array(copy)
        : e.dtype === 'int16'
          ? new Int16Array(copy)
          : e.dtype === 'int32'
            ? new Int32Array(copy)
            : new Float32Array(copy);
    arrays.set(e.name, { data, shape: e.shape });
  }
  return { meta: header.meta, arrays };
}

const cache = new Map<string, Promise<Asset>>();
const readerIds = new WeakMap<AssetReader, number>();
let nextReaderId = 0;

/** Reads, inflates and parses an asset; cached per reader and path. */
export function readAsset(reader: AssetReader, path: string): Promise<Asset> {
  let id = readerIds.get(reader);
  if (id === undefined) {
    id = nextReaderId++;
    readerIds.set(reader, id);
  }
  const key = `${id}:${path}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const raw = new Uint8Array(await reader(path));
      return decodeAsset(isGzip(raw) ? await gunzip(raw) : raw, path);
    })();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

export function getArray(asset: Asset, name: string, path = 'asset'): AssetArray {
  const a = asset.arrays.get(name);
  if (!a) throw new Error(`${path}: missing array '${name}'`);
  return a;
}
