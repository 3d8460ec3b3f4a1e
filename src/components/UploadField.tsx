/**
 * Choosing one's own data: a folder (or images and their CSV) for `user-images`, a CSV for
 * `user-features`. The files stay on this page and go to the training worker with the run; the
 * problems the loader found (a file it could not read, a CSV line without a label) are listed after
 * the run loads, and every valid file is kept.
 */
import { useState, type DragEvent } from 'react';
import { useController, useStore } from './storeContext';
import { selectActiveRun, selectUploads } from '../state/store';
import type { UploadSummary } from '../state/uploads';

const ACCEPT = '.png,.jpg,.jpeg,.csv,.nii,.gz';
/** The CSV menu's entry for "no CSV" (a value no file path can take). */
const NO_CSV = '\u0000none';
/** Problems listed one by one; the rest are counted. */
const MAX_LISTED = 12;

/**
 * The files of a drop. A dropped folder arrives as one unreadable pseudo-file, so folders are
 * walked through their entries, each file given its path inside the folder (as Folder… does).
 */
async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  // Entries must be taken while the drop event is being handled, before any await.
  const entries = Array.from(dt.items ?? [])
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => Boolean(e));
  if (!entries.some((e) => e.isDirectory)) return Array.from(dt.files);
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push(Object.defineProperty(file, 'webkitRelativePath', { value: path + file.name }));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

function describe(summary: UploadSummary): string {
  const parts = [`${summary.count} file${summary.count === 1 ? '' : 's'}`];
  if (summary.images) parts.push(`${summary.images} image${summary.images === 1 ? '' : 's'}`);
  if (summary.volumes) parts.push(`${summary.volumes} NIfTI`);
  if (summary.csvs.length) parts.push(`CSV: ${summary.csvs.join(', ')}`);
  else parts.push('no CSV');
  if (summary.other) parts.push(`${summary.other} other`);
  return parts.join(' · ');
}

export function UploadField({
  onCsv,
  csv,
  imagesWithoutCsv,
}: {
  onCsv(csv: string | null): void;
  /** The data set's `csv` now (null: no CSV, images labelled by folder). */
  csv: unknown;
  /** Whether the data set can read images without a CSV (user-images). */
  imagesWithoutCsv: boolean;
}) {
  const controller = useController();
  const uploads = useStore(selectUploads);
  const [dragging, setDragging] = useState(false);
  const choose = (files: FileList | File[] | null) => {
    if (files?.length) controller.chooseFiles(Array.from(files));
  };
  const chooseFromInput = (input: HTMLInputElement) => {
    choose(input.files);
    // Choosing the same folder again (after fixing a file) must fire another change.
    input.value = '';
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void droppedFiles(e.dataTransfer).then(choose, () => choose(e.dataTransfer.files));
  };
  return (
    <div
      className={`upload${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <p className="hint">
        Your files stay in this browser: nothing is uploaded anywhere, and a shared link carries
        only the settings (the CSV&apos;s name and columns), never the files. Drop files or a folder
        here, or choose:
      </p>
      <div className="upload-buttons">
        <label className="button">
          Folder…
          <input
            type="file"
            data-testid="upload-folder"
            // React has no typed prop for it; Chromium and Firefox accept the attribute.
            {...{ webkitdirectory: '', directory: '' }}
            multiple
            hidden
            onChange={(e) => chooseFromInput(e.currentTarget)}
          />
        </label>
        <label className="button">
          Files…
          <input
            type="file"
            data-testid="upload-files"
            accept={ACCEPT}
            multiple
            hidden
            onChange={(e) => chooseFromInput(e.currentTarget)}
          />
        </label>
      </div>
      <p className="upload-summary" data-testid="upload-summary">
        {uploads ? describe(uploads) : 'No files chosen yet.'}
      </p>
      {uploads && (uploads.csvs.length > 1 || (imagesWithoutCsv && uploads.csvs.length > 0)) && (
        <label className="field">
          CSV
          <select
            data-testid="upload-csv"
            value={
              csv === null
                ? NO_CSV
                : typeof csv === 'string' && uploads.csvs.includes(csv)
                  ? csv
                  : ''
            }
            onChange={(e) => onCsv(e.target.value === NO_CSV ? null : e.target.value)}
          >
            <option value="" disabled>
              choose the CSV
            </option>
            {uploads.csvs.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
            {imagesWithoutCsv && <option value={NO_CSV}>none: a class per folder</option>}
          </select>
        </label>
      )}
      {imagesWithoutCsv && csv === null && (
        <p className="upload-summary">
          No CSV: every image is read, labelled by its sub-folder (unlabelled when loose).
        </p>
      )}
    </div>
  );
}

/** What the active run's data set skipped while loading (any data set; user data in practice). */
export function DataProblems() {
  const errors = useStore((s) => selectActiveRun(s)?.dataErrors);
  if (!errors?.length) return null;
  return (
    <div className="notice warning" role="status" data-testid="data-problems">
      <strong>
        {errors.length} problem{errors.length === 1 ? '' : 's'} while loading; every valid file was
        kept:
      </strong>
      <ul>
        {errors.slice(0, MAX_LISTED).map((e, i) => (
          <li key={i}>
            {e.file}
            {e.line !== undefined ? `, line ${e.line}` : ''}: {e.message}
          </li>
        ))}
        {errors.length > MAX_LISTED && <li>… and {errors.length - MAX_LISTED} more</li>}
      </ul>
    </div>
  );
}
