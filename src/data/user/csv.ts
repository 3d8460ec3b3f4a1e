/** A small CSV reader (RFC 4180 quoting, comma or semicolon) that keeps 1-based line numbers. */

import type { AssetReader } from '../types';
import { GATE_LIMITS, quoteValue } from '../../contracts/configGate';

export interface CsvRow {
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
  /** Lines that could not be split (unterminated quote). */
  bad: { line: number; message: string }[];
}

function splitLine(text: string, sep: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      inQuotes = true;
      cur = '';
    } else if (ch === sep) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (inQuotes) return null;
  out.push(cur.trim());
  return out;
}

export function parseCsv(text: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t !== '' && !t.startsWith('#')) {
      headerLine = i;
      break;
    }
  }
  if (headerLine < 0) return { header: [], rows: [], bad: [] };
  const first = lines[headerLine] as string;
  const sep = first.includes(',') || !first.includes(';') ? ',' : ';';
  const header = (splitLine(first, sep) ?? []).map((h) => h.trim());
  const rows: CsvRow[] = [];
  const bad: { line: number; message: string }[] = [];
  for (let i = headerLine + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const fields = splitLine(raw, sep);
    if (!fields) bad.push({ line: i + 1, message: 'unterminated quoted field' });
    else rows.push({ line: i + 1, fields });
  }
  return { header, rows, bad };
}

/** Parses a numeric CSV field; null when it is not a finite number. */
export function parseNumber(s: string): number | null {
  if (s.trim() === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Class ids for label strings: numbers in numeric order, then text in alphabetical order. */
export function classIndex(values: string[]): { names: string[]; index: Map<string, number> } {
  const uniq = [...new Set(values)];
  uniq.sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    const an = a.trim() !== '' && Number.isFinite(na);
    const bn = b.trim() !== '' && Number.isFinite(nb);
    if (an && bn) return na - nb;
    if (an) return -1;
    if (bn) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return { names: uniq, index: new Map(uniq.map((v, i) => [v, i])) };
}

/** Reads and parses the CSV a user data set names; one that cannot be read at all throws, naming it. */
export async function readCsv(reader: AssetReader, path: string): Promise<CsvTable> {
  let text: string;
  try {
    text = new TextDecoder().decode(await reader(path));
  } catch (e) {
    throw new Error(`${path}: cannot read the CSV (${(e as Error).message})`, { cause: e });
  }
  const table = parseCsv(text);
  checkColumns(table.header, path);
  return table;
}

/** Names that would reach an object's prototype when used as a key of the labels or attributes. */
const FORBIDDEN_COLUMNS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Column names become label and attribute names, and from there config values (a kernel's
 * attribute): they pass the config gate's rules here, so a bad header fails with its line and
 * column rather than later as a config error.
 */
export function checkColumns(header: readonly string[], path: string): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    const where = `${path}: line 1: column ${i + 1}`;
    if (name.length > GATE_LIMITS.maxString)
      throw new Error(
        `${where}: a name of ${name.length} characters (${quoteValue(name)}); at most ${GATE_LIMITS.maxString}`,
      );
    if (FORBIDDEN_COLUMNS.has(name))
      throw new Error(`${where}: '${name}' is not allowed as a column name`);
    if (name !== '' && seen.has(name))
      throw new Error(`${where}: '${name}' appears twice in the header`);
    seen.add(name);
  });
}
