/** AssetReader over in-memory files (tests, drag-and-drop already read, generated data). */
import type { AssetReader } from './types';

export function memoryReader(
  files: Record<string, Uint8Array | ArrayBuffer | string>,
): AssetReader {
  const read = async (path: string) => {
    const clean = path.replace(/^\.\//, '');
    const f = files[clean];
    if (f === undefined) throw new Error(`${path}: file not found`);
    if (typeof f === 'string') return new TextEncoder().encode(f).buffer as ArrayBuffer;
    if (f instanceof ArrayBuffer) return f;
    return f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer;
  };
  return Object.assign(read, { list: () => Object.keys(files).sort() });
}
