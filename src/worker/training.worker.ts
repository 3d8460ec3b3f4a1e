/**
 * The training worker: a thin adapter from protocol messages to a TrainingSession. Snapshots leave
 * as transferred typed arrays. A lost GPU device moves the run to the next backend and continues
 * from the last good weights.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, onDeviceLost, type BackendName } from '../engine/backend';
import { TrainingSession } from '../engine/session';
import {
  transferablesOf,
  type SnapshotLabels,
  type WorkerCommand,
  type WorkerEvent,
} from './protocol';
import { loadBrowserDataset, browserAugment } from './browserData';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
// The threaded WASM build starts its pthreads from an inline blob script that the production
// bundle breaks ("e is not defined"); SIMD alone is kept. See README, "Pitfalls seen here".
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerCommand>) => void): void;
}
const scope = self as unknown as WorkerScope;

let session: TrainingSession | null = null;
let currentRun = '';
const failedBackends: BackendName[] = [];

function emit(event: WorkerEvent): void {
  scope.postMessage(event, transferablesOf(event));
}

function snapshotLabels(s: TrainingSession): SnapshotLabels {
  const n = Math.min(s.config.evaluation.maxTest, s.dataset.test.n);
  const copy = <T extends Int32Array | Float32Array | Uint8Array>(r: Record<string, T>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.slice(0, n)])) as Record<string, T>;
  return {
    n,
    labels: copy(s.dataset.test.labels),
    attributes: copy(s.dataset.test.attributes),
    flags: copy(s.dataset.test.flags),
  };
}

async function start(command: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  session?.dispose();
  session = null;
  currentRun = command.runId;
  const backend = await chooseBackend(command.backend, failedBackends);
  const dataset = await loadBrowserDataset(command.config, command.dataUrl);
  if (currentRun !== command.runId) return;
  const runId = command.runId;
  session = new TrainingSession(command.config, dataset, browserAugment(dataset, command.config), {
    progress: (step, loss, stepsPerSecond) =>
      emit({ type: 'progress', runId, step, loss, stepsPerSecond }),
    evaluation: (r) =>
      emit({ type: 'evaluation', runId, metrics: r.metrics, snapshot: r.snapshot }),
    paused: (step, reason) => emit({ type: 'paused', runId, step, ...(reason ? { reason } : {}) }),
    finished: (step, final) => emit({ type: 'finished', runId, step, final }),
  });
  watchDevice(runId);
  emit({
    type: 'ready',
    runId,
    backend,
    dataset: dataset.info,
    snapshotLabels: snapshotLabels(session),
  });
  await session.evaluateNow();
}

function watchDevice(runId: string): void {
  onDeviceLost(async (message) => {
    if (!session || currentRun !== runId) return;
    failedBackends.push('webgpu');
    const wasRunning = session.isRunning;
    session.pause();
    const backend = await chooseBackend('auto', failedBackends);
    await session.rebuild();
    emit({
      type: 'backend-changed',
      runId,
      backend,
      reason: `The GPU device was lost (${message}); continuing on ${backend.backend}.`,
    });
    if (wasRunning) void session.play();
  });
}

async function handle(command: WorkerCommand): Promise<void> {
  if (command.type === 'start') return start(command);
  if (!session || command.runId !== currentRun) return;
  switch (command.type) {
    case 'play':
      if (!session.isRunning) await session.play(command.untilStep);
      return;
    case 'pause':
      session.pause();
      return;
    case 'step':
      if (!session.isRunning) await session.stepBy(command.count);
      return;
    case 'evaluate':
      await session.evaluateNow();
      return;
    case 'dispose':
      session.dispose();
      session = null;
      return;
  }
}

scope.addEventListener('message', (event) => {
  const command = event.data;
  handle(command).catch((error: unknown) =>
    emit({
      type: 'error',
      runId: command.runId,
      message: error instanceof Error ? error.message : String(error),
    }),
  );
});
