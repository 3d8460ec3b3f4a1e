import type { z } from 'zod';
import type { AssetReader, DatasetConfig, LoadResult } from './types';

export interface DatasetDefinition {
  /** Stable id (the `name` of a config). */
  id: string;
  title: string;
  /** One line for menus. */
  summary: string;
  /** Built-in (assets or procedural) or user data (files read through the reader). */
  kind: 'builtin' | 'user';
  /** Paths (relative to public/data) of the committed assets it reads. */
  assets: string[];
  /** Parameter defaults, for the UI and the data card. */
  defaults: Record<string, unknown>;
  /** The schema of its parameters (everything but `name` and `seed`), for checks at configure time. */
  paramsSchema: z.ZodType;
  load(config: DatasetConfig, reader: AssetReader): Promise<LoadResult>;
}

/** Splits `{name, seed, ...params}` into the seed (default 0) and the parameters. */
export function splitConfig(config: DatasetConfig): {
  seed: number;
  params: Record<string, unknown>;
} {
  const { name: _name, seed, ...params } = config;
  const s = seed === undefined ? 0 : Number(seed);
  if (!Number.isFinite(s)) throw new Error(`data set '${config.name}': seed must be a number`);
  return { seed: Math.floor(s), params };
}
