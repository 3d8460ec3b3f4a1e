/** AssetReaders for the browser: the page's own assets (fetch) and uploaded files (File objects). */
import type { AssetReader } from './types';

/**
 * Reads `public/data/<path>` relative to the page. In a worker, pass `base` explicitly (e.g. the
 * page's `new URL('data/', document.baseURI).href`), since a worker's location is its script's URL.
 */
export function browserReader(base?: string): AssetReader {
  const root =
    base ?? (typeof document !== 'undefined' ? new URL('data/', document.baseURI).href : undefined);
  if (!root) throw new Error('browserReader: no document here (a worker?); pass the data base URL');
  return async (path: string) => {
    const res = await fetch(new URL(path, root));
    if (!res.ok)
      throw new Error(`${path}: ${res.status === 404 ? 'file not found' : `HTTP ${res.status}`}`);
    return res.arrayBuffer();
  };
}

/**
 * Reads uploaded files (an <input type=file webkitdirectory> list or dropped files) by their path
 * inside the chosen folder (the folder's own name stripped), falling back to the base name.
 */
export function filesReader(files: Iterable<File>): AssetReader {
  const byPath = new Map<string, File>();
  const byName = new Map<string, File>();
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const parts = rel.split('/');
    byPath.set(parts.length > 1 ? parts.slice(1).join('/') : rel, f);
    byName.set(f.name, f);
  }
  return async (path: string) => {
    const clean = path.replace(/^\.\//, '');
    const f = byPath.get(clean) ?? byName.get(clean.split('/').pop() ?? clean);
    if (!f) throw new Error(`${path}: file not found among the uploaded files`);
    return f.arrayBuffer();
  };
}
