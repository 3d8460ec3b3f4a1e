/** AssetReaders for the browser: the page's own assets (fetch) and uploaded files (File objects). */
import { getDatasetDefinition } from './index';
import type { AssetReader, DataSource } from './types';

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
 * inside the chosen folder (the folder's own name stripped). A CSV written for a folder may name
 * files by a path that loose files lack: then the base name is used, when exactly one chosen file
 * has it (never a guess between two).
 */
export function filesReader(files: Iterable<File>): AssetReader {
  const byPath = new Map<string, File>();
  const byName = new Map<string, File[]>();
  /** Paths that two chosen files share (e.g. two loose labels.csv): never read, never guessed. */
  const clashes = new Set<string>();
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const parts = rel.split('/');
    const path = parts.length > 1 ? parts.slice(1).join('/') : rel;
    if (byPath.has(path)) clashes.add(path);
    byPath.set(path, f);
    byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  }
  const read = async (path: string) => {
    const clean = path.replace(/^\.\//, '');
    if (clashes.has(clean))
      throw new Error(`${path}: several chosen files have this path; which one is meant?`);
    let f = byPath.get(clean);
    if (!f) {
      const name = clean.split('/').pop() ?? clean;
      const same = byName.get(name) ?? [];
      if (same.length > 1)
        throw new Error(
          `${path}: ${same.length} chosen files are named ${name}; which one is meant?`,
        );
      f = same[0];
    }
    if (!f) throw new Error(`${path}: file not found among the uploaded files`);
    return f.arrayBuffer();
  };
  return Object.assign(read, { list: () => [...byPath.keys()].sort() });
}

/**
 * Where the worker reads a data set: built-in assets from the page's own origin (`dataUrl`), a
 * user data set from the files the user chose on the page. `stillWanted` turns false once a newer
 * run replaced this one (a long folder load then stops reading files); `onFileRead` hears the count
 * of chosen files read so far.
 */
export function browserDataSource(
  name: string,
  dataUrl: string,
  files?: readonly File[],
  stillWanted: () => boolean = () => true,
  onFileRead: (read: number, total: number) => void = () => undefined,
): DataSource {
  const definition = getDatasetDefinition(name);
  if (definition.kind !== 'user') return { reader: browserReader(dataUrl) };
  if (!files?.length) throw new Error(missingFilesMessage(definition.title));
  const chosen = filesReader(files);
  let read = 0;
  const reader = Object.assign(
    async (path: string) => {
      if (!stillWanted()) throw new Error('replaced by a newer run');
      try {
        return await chosen(path);
      } finally {
        onFileRead(++read, files.length);
      }
    },
    { list: chosen.list },
  );
  return { reader };
}

/** Why a user data set has nothing to read: its files live on the page, never in a link. */
export function missingFilesMessage(title: string): string {
  return (
    `${title}: no files chosen. Your own files are never part of a link or of the saved ` +
    `settings; choose them again under Data (a folder, or the images and their CSV).`
  );
}
