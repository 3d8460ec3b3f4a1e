/**
 * The configuration (seed included) lives in the URL hash, so a shared link reproduces the run.
 * The hash is `#config=<base64url JSON>`; anything invalid falls back to the defaults with a message
 * saying what was wrong, never a blank page.
 */
import { parseTrainingConfig, type TrainingConfig } from '../contracts/trainingConfig';

const KEY = 'config';

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const base64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export function configToHash(config: TrainingConfig): string {
  return `#${KEY}=${toBase64Url(JSON.stringify(config))}`;
}

export type HashResult =
  { kind: 'none' } | { kind: 'ok'; config: TrainingConfig } | { kind: 'invalid'; message: string };

export function configFromHash(hash: string): HashResult {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const encoded = params.get(KEY);
  if (encoded === null) return { kind: 'none' };
  let json: unknown;
  try {
    json = JSON.parse(fromBase64Url(encoded));
  } catch {
    return {
      kind: 'invalid',
      message: 'The link’s configuration could not be decoded; the defaults are shown instead.',
    };
  }
  try {
    return { kind: 'ok', config: parseTrainingConfig(json) };
  } catch (error) {
    return {
      kind: 'invalid',
      message: `The link’s configuration is not valid (${(error as Error).message}); the defaults are shown instead.`,
    };
  }
}
