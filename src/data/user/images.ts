/**
 * `user-images`: a folder of PNG / JPEG images or NIfTI volumes, described by a CSV
 * (`file,label,<numeric attribute>...`), or without a CSV (`csv: null`): every image of the chosen
 * folder, labelled by its sub-folder (the ImageFolder layout) or unlabelled. Malformed lines and
 * unreadable files are reported with the file, the CSV line and the problem; every valid file is
 * kept.
 */
import { z } from 'zod';
import { allocSplit, parseParams } from '../common';
import { splitConfig, type DatasetDefinition } from '../registry';
import type { AssetReader, DataError, DataSplit, DatasetInfo } from '../types';
import { classIndex, parseNumber, readCsv } from './csv';
import { boxShrink, decodeImageFile, resizeImage, type DecodedImage } from './decode';
import { stratifiedHoldout } from './split';

const schema = z
  .object({
    /** The CSV, or null: every image file the reader lists, labelled by its first folder. */
    csv: z.string().min(1).nullable().default('labels.csv'),
    fileColumn: z.string().default('file'),
    labelColumn: z.string().default('label'),
    /** Output side in pixels; 'auto' = the first valid image's size (larger than 128 → 64). */
    size: z.union([z.literal('auto'), z.number().int().min(4).max(256)]).default('auto'),
    channels: z.union([z.literal('auto'), z.literal(1), z.literal(3)]).default('auto'),
    testFraction: z.number().min(0).max(0.9).default(0.2),
    /** Axial slice of NIfTI volumes (default: the middle one). */
    niftiSlice: z.number().int().min(0).optional(),
  })
  .strict();

interface Entry {
  /** The CSV line that listed the file (none without a CSV). */
  line?: number;
  file: string;
  label: string;
  attrs: number[];
  image: DecodedImage;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(0, i + 1) : '';
}

/** Problems spelt out in the error of a load that found no valid image at all. */
const MAX_LISTED_ERRORS = 12;

/** A reader's failure as the user should read it. */
function readFailure(e: unknown, source: string): string {
  const error = e as Error;
  // Chrome's File.arrayBuffer() after the file changed or was removed on disk.
  if (error?.name === 'NotReadableError')
    return 'changed or removed since it was chosen; choose the files again';
  const message = String(error?.message ?? e);
  return /not found/.test(message) ? `file not found (listed in ${source})` : message;
}

const IMAGE_FILE = /\.(png|jpe?g|nii|nii\.gz)$/i;

interface Listing {
  /** Where the listed files live, relative to the reader ('' without a CSV). */
  base: string;
  candidates: Omit<Entry, 'image'>[];
  attrNames: string[];
  /** Class names come from a label column or from folders. */
  labelled: boolean;
  /** What the files were read from, for messages and the data card. */
  source: string;
}

/** The files a CSV lists, with their labels and attributes; bad lines go to `errors`. */
async function listFromCsv(
  reader: AssetReader,
  p: z.infer<typeof schema> & { csv: string },
  errors: DataError[],
): Promise<Listing> {
  const table = await readCsv(reader, p.csv);
  for (const b of table.bad) errors.push({ file: p.csv, line: b.line, message: b.message });
  const fi = table.header.indexOf(p.fileColumn);
  if (fi < 0)
    throw new Error(
      `${p.csv}: line 1: no '${p.fileColumn}' column in the header (${table.header.join(', ')})`,
    );
  const li = table.header.indexOf(p.labelColumn);
  const attrCols = table.header.map((h, i) => ({ h, i })).filter(({ i }) => i !== fi && i !== li);
  const candidates: Omit<Entry, 'image'>[] = [];
  for (const row of table.rows) {
    if (row.fields.length !== table.header.length) {
      errors.push({
        file: p.csv,
        line: row.line,
        message: `expected ${table.header.length} fields (${table.header.join(', ')}), got ${row.fields.length}`,
      });
      continue;
    }
    // Paths written on Windows (img\\a.png) or with a leading ./ name the same file everywhere.
    const file = (row.fields[fi] as string).replace(/\\/g, '/').replace(/^\.\//, '');
    if (!file) {
      errors.push({ file: p.csv, line: row.line, message: `empty '${p.fileColumn}'` });
      continue;
    }
    const label = li >= 0 ? (row.fields[li] as string) : '';
    if (li >= 0 && label === '') {
      errors.push({ file: p.csv, line: row.line, message: `empty '${p.labelColumn}'` });
      continue;
    }
    const attrs: number[] = [];
    let bad = '';
    for (const { h, i } of attrCols) {
      const v = parseNumber(row.fields[i] as string);
      if (v === null) {
        bad = `column '${h}': '${row.fields[i]}' is not a number`;
        break;
      }
      attrs.push(v);
    }
    if (bad) {
      errors.push({ file: p.csv, line: row.line, message: bad });
      continue;
    }
    candidates.push({ line: row.line, file, label, attrs });
  }
  return {
    base: dirOf(p.csv),
    candidates,
    attrNames: attrCols.map((a) => a.h),
    labelled: li >= 0,
    source: p.csv,
  };
}

/** Without a CSV: every image file the reader lists; a first-level folder names its class. */
function listFromFolders(reader: AssetReader): Listing {
  if (!reader.list)
    throw new Error('user-images: no CSV given (csv: null), and these files cannot be listed');
  // Hidden files and macOS metadata (._x.png, __MACOSX/) are not images of the set.
  const hidden = (f: string) =>
    f.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
  const files = reader.list().filter((f) => IMAGE_FILE.test(f) && !hidden(f));
  if (!files.length)
    throw new Error(
      'user-images: no CSV given, and no PNG, JPEG or NIfTI file among the chosen files',
    );
  const inFolder = files.some((f) => f.includes('/'));
  const candidates = files.map((file) => ({
    file,
    label: inFolder ? (file.includes('/') ? file.slice(0, file.indexOf('/')) : '(top level)') : '',
    attrs: [],
  }));
  return {
    base: '',
    candidates,
    attrNames: [],
    labelled: inFolder,
    source: inFolder ? 'the chosen folders (a class per folder)' : 'the chosen files (unlabelled)',
  };
}

export const userImagesDataset: DatasetDefinition = {
  id: 'user-images',
  title: 'Your images (PNG / JPEG / NIfTI + CSV)',
  summary: 'A folder of images or NIfTI volumes with a CSV: file, label, numeric attributes',
  kind: 'user',
  assets: [],
  defaults: schema.parse({}),
  paramsSchema: schema,
  async load(config, reader) {
    const { seed, params } = splitConfig(config);
    const p = parseParams('user-images', schema, params);
    const errors: DataError[] = [];
    const { base, candidates, attrNames, labelled, source } =
      p.csv === null
        ? listFromFolders(reader)
        : await listFromCsv(reader, { ...p, csv: p.csv }, errors);

    // The output size comes from the first valid image (or `size`); every image is brought to it
    // as soon as it is decoded, so a folder of large photos never sits in memory at full size.
    let h = 0;
    let w = 0;
    const atTargetSize = (img: DecodedImage): DecodedImage => {
      if (!h) {
        h = img.height;
        w = img.width;
        if (p.size !== 'auto') h = w = p.size;
        else if (Math.max(h, w) > 128) {
          const s = 64 / Math.max(h, w);
          h = Math.max(4, Math.round(h * s));
          w = Math.max(4, Math.round(w * s));
        }
      }
      if (img.height === h && img.width === w) return img;
      const data = resizeImage(boxShrink(img, h, w), h, w, img.channels);
      return { width: w, height: h, channels: img.channels, data };
    };
    const entries: Entry[] = [];
    for (const c of candidates) {
      const where = c.line !== undefined ? { line: c.line } : {};
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await reader(base + c.file));
      } catch (e) {
        // The reader says why (not found, two files of that name, changed since it was chosen).
        errors.push({ file: c.file, ...where, message: readFailure(e, source) });
        continue;
      }
      try {
        const image = atTargetSize(await decodeImageFile(bytes, c.file, p.niftiSlice));
        entries.push({ ...c, image });
      } catch (e) {
        errors.push({ file: c.file, ...where, message: (e as Error).message });
      }
    }
    if (entries.length === 0) {
      const listed = errors
        .slice(0, MAX_LISTED_ERRORS)
        .map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
      if (errors.length > MAX_LISTED_ERRORS)
        listed.push(`… and ${errors.length - MAX_LISTED_ERRORS} more`);
      const why = listed.length ? `\n${listed.join('\n')}` : '';
      throw new Error(`user-images: no valid image in ${source}${why}`);
    }
    const c: 1 | 3 =
      p.channels !== 'auto' ? p.channels : entries.some((e) => e.image.channels === 3) ? 3 : 1;
    const { names, index } = classIndex(entries.map((e) => e.label));
    const labels = entries.map((e) => index.get(e.label) ?? 0);
    const held = stratifiedHoldout(labels, p.testFraction, seed);

    const build = (which: boolean): DataSplit => {
      const rows = entries.map((_, i) => i).filter((i) => held[i] === which);
      const split = allocSplit(
        rows.length,
        { height: h, width: w, channels: c },
        ['label'],
        attrNames,
      );
      rows.forEach((r, i) => {
        const e = entries[r] as Entry;
        split.images.set(resizeImage(e.image, h, w, c), i * h * w * c);
        (split.labels.label as Int32Array)[i] = labels[r] as number;
        attrNames.forEach(
          (a, k) => ((split.attributes[a] as Float32Array)[i] = e.attrs[k] as number),
        );
      });
      return split;
    };
    const info: DatasetInfo = {
      id: 'user-images',
      title: `Your images (${p.csv ?? 'folders'})`,
      description: `${entries.length} images read from ${source}${errors.length ? `; ${errors.length} line(s) or file(s) rejected` : ''}. Resized to ${h}×${w}, ${c === 1 ? 'grey' : 'RGB'}; NIfTI volumes give one axial slice each, scaled by its 0.5–99.5th percentiles.`,
      source: 'Uploaded by the user',
      licence: 'As provided by the user',
      imageShape: { height: h, width: w, channels: c },
      labels: [{ name: 'label', classNames: labelled ? names : ['(unlabelled)'] }],
      attributes: attrNames.map((a) => {
        const vals = entries.map((e) => e.attrs[attrNames.indexOf(a)] as number);
        return {
          name: a,
          min: vals.reduce((m, v) => Math.min(m, v), Infinity),
          max: vals.reduce((m, v) => Math.max(m, v), -Infinity),
        };
      }),
      classLabel: 'label',
      hasTargetFlag: false,
      params: { ...p, seed },
    };
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.file.localeCompare(b.file));
    return { dataset: { info, train: build(false), test: build(true) }, errors };
  },
};
