/**
 * Text exports, free of the DOM. Tidy CSV of the metrics of several runs: one row per (run, step, metric), columns
 * `run,label,step,metric,value`. A metric absent from a record writes no row (never a 0);
 * SepCLR's per-label probes become `commonProbe.<label>` / `salientProbe.<label>`.
 */
import type { MetricsRecord } from '../contracts/metrics';

export interface CsvRunSeries {
  id: string;
  label: string;
  history: readonly MetricsRecord[];
  /** Optional per-step training loss (written as metric `trainLoss`). */
  lossCurve?: readonly { step: number; loss: number }[];
}

export const CSV_HEADER = ['run', 'label', 'step', 'metric', 'value'] as const;

/** Writes a number so it reads back exactly (shortest round-trip form). */
export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/**
 * Quotes a text field when it needs it (RFC 4180), and defuses spreadsheet formulas: a text
 * field starting with = + − @ or a control character gets a leading apostrophe.
 */
export function csvText(value: string): string {
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows of one record, in a stable order (the record's key order, step first). */
function recordRows(record: MetricsRecord): [string, number][] {
  const rows: [string, number][] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === 'step' || value === undefined || value === null) continue;
    if (typeof value === 'number') rows.push([key, value]);
    else if (typeof value === 'object') {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'number') rows.push([`${key}.${sub}`, v]);
      }
    }
  }
  return rows;
}

export function metricsToCsv(series: readonly CsvRunSeries[]): string {
  const lines: string[] = [CSV_HEADER.join(',')];
  for (const run of series) {
    const id = csvText(run.id);
    const label = csvText(run.label);
    for (const record of run.history) {
      for (const [metric, value] of recordRows(record)) {
        lines.push(
          [id, label, csvNumber(record.step), csvText(metric), csvNumber(value)].join(','),
        );
      }
    }
    for (const point of run.lossCurve ?? []) {
      lines.push([id, label, csvNumber(point.step), 'trainLoss', csvNumber(point.loss)].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Parses a CSV written by metricsToCsv (for round-trip tests and re-imports). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A file name without path separators or characters that file systems reject. */
export function safeFilename(name: string, fallback = 'export'): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[^\w.\- ]+/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/^\.+/, '')
    .slice(0, 120);
  return cleaned || fallback;
}

/** JSON with typed arrays written as plain arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      ArrayBuffer.isView(v) && !(v instanceof DataView)
        ? Array.from(v as unknown as ArrayLike<number>)
        : v,
    2,
  );
}
