/**
 * `user-features`: a CSV of numeric features (one row per sample) with an optional label column and
 * optional attribute columns. Features-as-image: each row becomes a [1, 1, d] image, each feature
 * min–max scaled to [0, 1] over the valid rows. Bad lines are reported and skipped.
 */
import { z } from 'zod';
import { allocSplit, parseParams } from '../common';
import { splitConfig, type DatasetDefinition } from '../registry';
import type { DataError, DataSplit, DatasetInfo } from '../types';
import { classIndex, parseNumber, readCsv } from './csv';
import { stratifiedHoldout } from './split';

const schema = z
  .object({
    csv: z.string().min(1).default('features.csv'),
    labelColumn: z.string().default('label'),
    /** Numeric columns kept as attributes (e.g. an age) instead of features. */
    attributeColumns: z.array(z.string()).default([]),
    testFraction: z.number().min(0).max(0.9).default(0.2),
  })
  .strict();

export const userFeaturesDataset: DatasetDefinition = {
  id: 'user-features',
  title: 'Your features (CSV)',
  summary: 'A CSV of numeric features, with an optional label and attribute columns',
  kind: 'user',
  assets: [],
  defaults: schema.parse({}),
  paramsSchema: schema,
  async load(config, reader) {
    const { seed, params } = splitConfig(config);
    const p = parseParams('user-features', schema, params);
    const table = await readCsv(reader, p.csv);
    const errors: DataError[] = table.bad.map((b) => ({
      file: p.csv,
      line: b.line,
      message: b.message,
    }));
    const li = table.header.indexOf(p.labelColumn);
    for (const a of p.attributeColumns) {
      if (!table.header.includes(a))
        throw new Error(`${p.csv}: line 1: no attribute column '${a}'`);
    }
    const attrIdx = p.attributeColumns.map((a) => table.header.indexOf(a));
    const featIdx = table.header.map((_, i) => i).filter((i) => i !== li && !attrIdx.includes(i));
    if (featIdx.length === 0) throw new Error(`${p.csv}: line 1: no feature columns`);

    const rows: { label: string; feats: number[]; attrs: number[] }[] = [];
    for (const row of table.rows) {
      if (row.fields.length !== table.header.length) {
        errors.push({
          file: p.csv,
          line: row.line,
          message: `expected ${table.header.length} fields, got ${row.fields.length}`,
        });
        continue;
      }
      const feats: number[] = [];
      const attrs: number[] = [];
      let bad = '';
      for (const [list, idx] of [
        [feats, featIdx],
        [attrs, attrIdx],
      ] as const) {
        for (const i of idx) {
          const v = parseNumber(row.fields[i] as string);
          if (v === null) {
            bad ||= `column '${table.header[i]}': '${row.fields[i]}' is not a number`;
            break;
          }
          list.push(v);
        }
      }
      if (!bad && li >= 0 && (row.fields[li] as string) === '') bad = `empty '${p.labelColumn}'`;
      if (bad) {
        errors.push({ file: p.csv, line: row.line, message: bad });
        continue;
      }
      rows.push({ label: li >= 0 ? (row.fields[li] as string) : '', feats, attrs });
    }
    if (rows.length === 0) {
      throw new Error(`user-features: no valid row in ${p.csv}`);
    }
    const d = featIdx.length;
    const lo = new Array<number>(d).fill(Infinity);
    const hi = new Array<number>(d).fill(-Infinity);
    for (const r of rows) {
      r.feats.forEach((v, k) => {
        lo[k] = Math.min(lo[k] as number, v);
        hi[k] = Math.max(hi[k] as number, v);
      });
    }
    const { names, index } = classIndex(rows.map((r) => r.label));
    const labels = rows.map((r) => index.get(r.label) ?? 0);
    const held = stratifiedHoldout(labels, p.testFraction, seed);
    const build = (which: boolean): DataSplit => {
      const ids = rows.map((_, i) => i).filter((i) => held[i] === which);
      const split = allocSplit(
        ids.length,
        { height: 1, width: 1, channels: d },
        ['label'],
        p.attributeColumns,
      );
      ids.forEach((r, i) => {
        const row = rows[r] as (typeof rows)[number];
        row.feats.forEach((v, k) => {
          const range = (hi[k] as number) - (lo[k] as number);
          split.images[i * d + k] = range > 0 ? (v - (lo[k] as number)) / range : 0.5;
        });
        (split.labels.label as Int32Array)[i] = labels[r] as number;
        p.attributeColumns.forEach(
          (a, k) => ((split.attributes[a] as Float32Array)[i] = row.attrs[k] as number),
        );
      });
      return split;
    };
    const info: DatasetInfo = {
      id: 'user-features',
      title: `Your features (${p.csv})`,
      description: `${rows.length} rows × ${d} features from ${p.csv}${errors.length ? `; ${errors.length} line(s) rejected` : ''}. Each feature is min–max scaled to [0, 1].`,
      source: 'Uploaded by the user',
      licence: 'As provided by the user',
      imageShape: { height: 1, width: 1, channels: d },
      labels: [{ name: 'label', classNames: li >= 0 ? names : ['(unlabelled)'] }],
      attributes: p.attributeColumns.map((a, k) => {
        const vals = rows.map((r) => r.attrs[k] as number);
        return {
          name: a,
          min: vals.reduce((m, v) => Math.min(m, v), Infinity),
          max: vals.reduce((m, v) => Math.max(m, v), -Infinity),
        };
      }),
      classLabel: 'label',
      hasTargetFlag: false,
      channelNames: featIdx.map((i) => table.header[i] as string),
      params: { ...p, seed },
      notes: `Features-as-image: [1, 1, ${d}]; min–max scaling per feature (min ${lo.map((v) => +v.toPrecision(4)).join(', ')}; max ${hi.map((v) => +v.toPrecision(4)).join(', ')}).`,
    };
    return { dataset: { info, train: build(false), test: build(true) }, errors };
  },
};
