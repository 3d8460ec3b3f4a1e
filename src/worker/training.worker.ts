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
let latestStart = '';
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
  // A newer start already queued makes this one obsolete: skip its work entirely.
  const superseded = () => {
    emit({
      type: 'paused',
      runId: command.runId,
      step: 0,
      reason: 'Replaced by a newer run before it loaded.',
    });
  };
  if (latestStart !== command.runId) return superseded();
  session?.dispose();
  session = null;
  currentRun = command.runId;
  const backend = await chooseBackend(command.backend, failedBackends);
  const dataset = await loadBrowserDataset(command.config, command.dataUrl);
  if (latestStart !== command.runId) return superseded();
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
  // The first frame only: the full evaluation comes with the first `evalEvery` steps.
  await session.previewNow();
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
      await session.play(command.untilStep);
      return;
    case 'pause':
      session.pause();
      return;
    case 'step':
      await session.stepBy(command.count);
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

/**
 * Commands run one after another (a `play` sent while `start` still loads its data must wait for
 * it), except `pause` and a new `start`, which act at once so a running loop stops promptly.
 */
let queue: Promise<void> = Promise.resolve();

let sequence = 0;
let lastPause = -1;

scope.addEventListener('message', (event) => {
  const command = event.data;
  const seq = sequence++;
  if (command.type === 'start') latestStart = command.runId;
  if (command.type === 'pause' || command.type === 'start') session?.pause();
  if (command.type === 'pause') {
    // Also cancels a play or step that is queued but not started yet.
    lastPause = seq;
    return;
  }
  queue = queue
    .then(() => {
      if ((command.type === 'play' || command.type === 'step') && lastPause > seq) {
        if (session && command.runId === currentRun)
          emit({ type: 'paused', runId: command.runId, step: session.step });
        return;
      }
      return handle(command);
    })
    .catch((error: unknown) =>
      emit({
        type: 'error',
        runId: command.runId,
        message: error instanceof Error ? error.message : String(error),
      }),
    );
});
