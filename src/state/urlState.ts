/**
 * The configuration (seed included) lives in the URL hash, so a shared link reproduces the run.
 * The hash is `#config=<base64url JSON>`; anything invalid falls back to the defaults with a message
 * saying what was wrong, never a blank page.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import { gateConfig, quoteValue } from '../contracts/configGate';

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
  | { kind: 'none' }
  /** `notice`: something in the hash was ignored (an unknown key), said in words. */
  | { kind: 'ok'; config: TrainingConfig; notice?: string }
  | { kind: 'invalid'; message: string };

export function configFromHash(hash: string): HashResult {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const unknown = [...new Set(params.keys())].filter((k) => k !== KEY);
  const ignored = unknown.length
    ? `Unknown link ${unknown.length === 1 ? 'key' : 'keys'} ignored: ${unknown
        .slice(0, 3)
        .map((k) => quoteValue(k, 40))
        .join(
          ', ',
        )}${unknown.length > 3 ? ` (+${unknown.length - 3} more)` : ''}; only #config=… is read.`
    : undefined;
  const encoded = params.get(KEY);
  if (encoded === null)
    return ignored
      ? { kind: 'invalid', message: `${ignored} The defaults are shown.` }
      : { kind: 'none' };
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
    const config = gateConfig(json);
    return ignored ? { kind: 'ok', config, notice: ignored } : { kind: 'ok', config };
  } catch (error) {
    return {
      kind: 'invalid',
      message: `The link’s configuration is not valid (${(error as Error).message.slice(0, 600)}); the defaults are shown instead.`,
    };
  }
}
