/**
 * Opening an exported run (`export run` writes `{config, history, backend}`): the text is parsed,
 * the config passes the gate, and the history is kept only as far as it is plain data. Every
 * problem is an Error with a message; nothing else escapes.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import { gateConfig, quoteValue } from '../contracts/configGate';

/** Larger files are not runs this page wrote (a long run's JSON is a few MB). */
export const MAX_RUN_FILE_CHARS = 50_000_000;

export interface ImportedRun {
  config: TrainingConfig;
  /** Steps recorded in the file's history, for the notice. */
  evaluations: number;
}

export function parseRunFile(text: string): ImportedRun {
  if (text.length > MAX_RUN_FILE_CHARS)
    throw new Error(
      `the file has ${text.length} characters; a run file has at most ${MAX_RUN_FILE_CHARS}`,
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message.slice(0, 120)})`, { cause: error });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new Error(`a run file is an object with a "config" (got ${quoteValue(data)})`);
  const record = data as Record<string, unknown>;
  if (!('config' in record)) throw new Error('the file has no "config": it is not an exported run');
  const config = gateConfig(record.config);
  const evaluations = Array.isArray(record.history) ? record.history.length : 0;
  return { config, evaluations };
}
