/**
 * The user's chosen files, summarised for the page (the File objects themselves stay with the
 * controller and go to the worker with a run; they never enter the store or the URL).
 */
import type { UserDatasetId } from '../contracts/datasets';

/** The part of a File this module reads (so tests can pass plain objects). */
export interface FileLike {
  name: string;
  webkitRelativePath?: string;
}

export interface UploadSummary {
  count: number;
  /** PNG / JPEG files. */
  images: number;
  /** NIfTI volumes (.nii, .nii.gz). */
  volumes: number;
  /** CSV paths as the data set's `csv` parameter names them (inside the chosen folder). */
  csvs: string[];
  /** Files of any other kind (ignored unless the CSV names them). */
  other: number;
}

/** A file's path as the data set reads it: inside the chosen folder (its own name dropped). */
export function uploadPath(file: FileLike): string {
  const rel = file.webkitRelativePath || file.name;
  const parts = rel.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : rel;
}

export function summarizeUploads(files: readonly FileLike[]): UploadSummary {
  const summary: UploadSummary = { count: files.length, images: 0, volumes: 0, csvs: [], other: 0 };
  for (const f of files) {
    const name = f.name.toLowerCase();
    if (/\.(png|jpe?g)$/.test(name)) summary.images++;
    else if (/\.nii(\.gz)?$/.test(name)) summary.volumes++;
    else if (name.endsWith('.csv')) summary.csvs.push(uploadPath(f));
    else summary.other++;
  }
  summary.csvs.sort();
  return summary;
}

/**
 * The CSV a user data set should read among the chosen files: the current choice when it is among
 * them, else the data set's default name at the top level (labels.csv, features.csv), else the
 * only file of that name, else the only CSV. Images without any CSV: null, every image labelled by
 * its folder. Undefined when the choice is ambiguous (e.g. train/labels.csv and test/labels.csv:
 * the page then asks) or there is nothing to read.
 */
export function suggestedCsv(
  summary: UploadSummary,
  dataset: UserDatasetId,
  current?: unknown,
): string | null | undefined {
  if (typeof current === 'string' && summary.csvs.includes(current)) return current;
  const preferred = dataset === 'user-images' ? 'labels.csv' : 'features.csv';
  if (summary.csvs.includes(preferred)) return preferred;
  const nested = summary.csvs.filter((c) => c.endsWith(`/${preferred}`));
  if (nested.length === 1) return nested[0];
  if (nested.length > 1) return undefined;
  if (summary.csvs.length === 1) return summary.csvs[0];
  if (!summary.csvs.length && dataset === 'user-images' && summary.images + summary.volumes > 0)
    return null;
  return undefined;
}

/**
 * The user's chosen files and which choice each user-data run read: every new choice bumps a
 * version, so a run on files chosen before the current ones is known to be stale. The files stay
 * here, out of the store and the URL.
 */
export class UploadVersions {
  private files: File[] = [];
  private version = 0;
  private readonly byRun = new Map<string, number>();

  /** Replaces the choice. */
  choose(files: Iterable<File>): File[] {
    this.files = [...files];
    this.version++;
    return this.files;
  }

  /** The files a new run `runId` of this data set reads (none for a built-in one), remembered. */
  forRun(runId: string, userDataset: boolean): File[] {
    if (!userDataset) return [];
    this.byRun.set(runId, this.version);
    return [...this.files];
  }

  /** Whether run `runId` read files chosen before the current ones. */
  isStale(runId: string): boolean {
    return this.byRun.get(runId) !== this.version;
  }
}
