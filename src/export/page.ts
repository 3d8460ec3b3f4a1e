/**
 * The page's PyTorch export: the Python sources and vectors bundled by Vite (a chunk of their own,
 * loaded only when someone exports), the file map of pytorch.ts, and a zip of it (fflate).
 */
import { zipSync } from 'fflate';
import {
  buildPytorchExport,
  type ExportPayload,
  type ExportSource,
  type ExportSources,
} from './pytorch';

declare const __PLAYGROUND_COMMIT__: string | null;

/** The git commit the page was built from (vite.config.ts), or null outside a git checkout. */
export const BUILD_COMMIT: string | null =
  typeof __PLAYGROUND_COMMIT__ === 'undefined' ? null : __PLAYGROUND_COMMIT__;

type Lazy = Record<string, () => Promise<string>>;
const python = import.meta.glob('/pytorch/**/*.py', { query: '?raw', import: 'default' }) as Lazy;
const publicVectors = import.meta.glob('/test/vectors/*.json', {
  query: '?raw',
  import: 'default',
}) as Lazy;
const extraVectors = import.meta.glob('/test/vectors-extra/*.json', {
  query: '?raw',
  import: 'default',
}) as Lazy;

/** Where each bundled file goes in the export; the same selection as the CLI's nodeSources. */
function exportPath(file: string): string | null {
  if (file === '/pytorch/train.py') return 'train.py';
  if (file === '/pytorch/check_vectors.py') return 'check_vectors.py';
  if (file.startsWith('/pytorch/cplay/')) return file.slice('/pytorch/'.length);
  const vector = /^\/test\/vectors(-extra)?\/([^/]+\.json)$/.exec(file);
  if (vector) return `vectors/${vector[1] ? 'extra' : 'public'}/${vector[2]}`;
  return null;
}

export async function bundledSources(): Promise<ExportSources> {
  const encoder = new TextEncoder();
  const out: ExportSources = {};
  const entries = Object.entries({ ...python, ...publicVectors, ...extraVectors });
  await Promise.all(
    entries.map(async ([file, load]) => {
      const path = exportPath(file);
      if (path) out[path] = encoder.encode(await load());
    }),
  );
  return out;
}

/** The export as a zip whose entries sit in one folder, `folder/…`. */
export async function pytorchZip(
  payload: ExportPayload,
  source: ExportSource,
  folder: string,
): Promise<Uint8Array> {
  const files = buildPytorchExport(payload, await bundledSources(), source);
  const mtime = new Date(source.exportedAt);
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([path, bytes]) => [`${folder}/${path}`, bytes])),
    { level: 6, mtime },
  );
}
