/** Backend names and the report of which one runs and why (shared by the worker and the UI). */
export const BACKEND_LADDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_LADDER)[number];
export type BackendRequest = BackendName | 'auto';

export interface BackendChoice {
  backend: BackendName;
  reason: string;
  /** What the GPU adapter reported, when one was asked. */
  adapter?: string;
}
