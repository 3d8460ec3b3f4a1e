/**
 * The training worker: a thin adapter from protocol messages to a TrainingSession. Snapshots leave
 * as transferred typed arrays. A lost GPU device moves the run to the next backend and continues
 * from the last good weights.
 */
// TF.js without the umbrella package: its layers, converter and data parts are never used here,
// and the worker's script is on the way to the first plot. WebGPU (a quarter of the rest) loads
// as a chunk of its own while the first data set downloads; WebGL (another quarter) only when the
// backend ladder may reach it (registerBackendsFor).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  chooseBackend,
  onDeviceLost,
  probeWebGpu,
  type BackendName,
  type BackendRequest,
} from '../engine/backend';
import { configureWasmThreads, installWasmKernels, wasmThreadCount } from '../engine/wasmKernels';
import { TrainingSession } from '../engine/session';
import {
  bootCommandFromName,
  transferablesOf,
  type HeldOutSample,
  type SnapshotLabels,
  type WorkerCommand,
  type WorkerEvent,
} from './protocol';
import { loadBrowserDataset, browserAugment } from './browserData';
import { currentWeights, exportPayload } from '../engine/exportPayload';
import { hookedStep, isBackendFailure, type WorkerTestHooks } from './failure';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
// Every core when the page is cross-origin isolated (COOP/COEP headers): the threaded SIMD build.
configureWasmThreads(setThreadsCount);
installWasmKernels();

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerCommand>) => void): void;
}
const scope = self as unknown as WorkerScope;

const webgpu: Promise<unknown> = import('@tensorflow/tfjs-backend-webgpu');
let webgl: Promise<unknown> | null = null;
const loadWebgl = () => (webgl ??= import('@tensorflow/tfjs-backend-webgl'));

/**
 * Registers WebGPU (always: the ladder's choice and its reason depend on the adapter), and WebGL
 * when the ladder may use it: asked for by name, or `auto` unless the WebGPU adapter is a software
 * one (then WASM and CPU come first and never both fail). `wasm` and `cpu` requests fall back to
 * each other.
 */
async function registerBackendsFor(request: BackendRequest): Promise<void> {
  await webgpu;
  if (request === 'wasm' || request === 'cpu') return;
  if (request === 'auto') {
    const gpu = await probeWebGpu();
    if (gpu.available && gpu.software) return;
  }
  await loadWebgl();
}

let session: TrainingSession | null = null;

const testHooks: WorkerTestHooks = {
  failNextStep: false,
  slowStepMs: 0,
  destroyDevice() {
    if (tf.getBackend() !== 'webgpu') return false;
    const device = (tf.backend() as unknown as { device?: { destroy(): void } }).device;
    device?.destroy();
    return Boolean(device);
  },
};
(self as unknown as { __playgroundTestHooks: WorkerTestHooks }).__playgroundTestHooks = testHooks;

/** Routes the session's steps through the test hooks (untouched unless a test sets them). */
function instrument(s: TrainingSession): void {
  const trainer = s.trainer;
  trainer.step = hookedStep(testHooks, trainer.step.bind(trainer));
}
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
  // The data set is fetched and decoded while the backend starts (neither needs the other),
  // except with a VAE prior, which trains on the chosen backend while the data set loads.
  const backendReady = registerBackendsFor(command.backend)
    .then(() => chooseBackend(command.backend, failedBackends))
    .then((choice) => {
      // The badge says how many threads WASM really got (1 without cross-origin isolation).
      if (choice.backend !== 'wasm') return choice;
      const threads = wasmThreadCount();
      return {
        ...choice,
        reason: `${choice.reason} WASM runs on ${threads} thread${threads > 1 ? 's' : ''}.`,
      };
    });
  if (command.config.prior) await backendReady;
  const [backend, { dataset, errors: dataErrors }] = await Promise.all([
    backendReady,
    loadBrowserDataset(
      command.config,
      command.dataUrl,
      command.files,
      () => latestStart === command.runId,
      loadingReporter(command.runId),
    ),
  ]);
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
  if (command.resume) session.restore(command.resume.weights, command.resume.step);
  instrument(session);
  watchDevice(runId);
  emit({
    type: 'ready',
    runId,
    backend,
    dataset: dataset.info,
    snapshotLabels: snapshotLabels(session),
    dataErrors,
  });
  // A trained result is shown with its metrics at once; otherwise the first frame only (the full
  // evaluation comes with the first `evalEvery` steps).
  if (command.resume?.evaluate) await session.evaluateNow();
  else await session.previewNow();
}

/** How often, at most, the page hears how many files a user data set has read. */
const LOADING_INTERVAL_MS = 200;

function loadingReporter(runId: string): (read: number, total: number) => void {
  let last = 0;
  return (read, total) => {
    const now = performance.now();
    if (read < total && now - last < LOADING_INTERVAL_MS) return;
    last = now;
    emit({ type: 'loading', runId, filesRead: read, filesTotal: total });
  };
}

/** Set while a lost device's run moves to the next backend; a step that failed meanwhile waits for it. */
let recovery: Promise<void> | null = null;

function watchDevice(runId: string): void {
  onDeviceLost((message) => {
    if (!session || currentRun !== runId) return;
    recovery = recoverFromDeviceLoss(runId, session, message);
  });
}

async function recoverFromDeviceLoss(
  runId: string,
  session: TrainingSession,
  message: string,
): Promise<void> {
  failedBackends.push('webgpu');
  const wasRunning = session.isRunning;
  session.pause();
  // The loop stops at its step boundary (or its step fails on the lost device): wait for it.
  while (session.isRunning) await new Promise((resolve) => setTimeout(resolve, 20));
  await loadWebgl();
  const backend = await chooseBackend('auto', failedBackends);
  await session.rebuild();
  instrument(session);
  const reason = `The GPU device was lost (${message}); continuing on ${backend.backend}.`;
  emit({
    type: 'backend-changed',
    runId,
    backend: { ...backend, reason },
    reason,
    resumed: wasRunning,
  });
  if (wasRunning && !session.isRunning) void session.play();
}

/**
 * A step that failed because the WebGPU device was lost is not a failure of the run: the device
 * handler moves it to the next backend. Waits briefly for that handler (the device's `lost`
 * promise may settle after the failed read) and resumes a play it interrupted.
 */
async function recoveredFromDeviceLoss(command: WorkerCommand): Promise<boolean> {
  if (command.type !== 'play' && command.type !== 'step' && command.type !== 'evaluate')
    return false;
  if (!recovery) await new Promise((resolve) => setTimeout(resolve, 300));
  const pending = recovery;
  if (!pending) return false;
  await pending;
  recovery = null;
  if (command.type === 'play' && session && !session.isRunning)
    void session.play(command.untilStep);
  return true;
}

/** Most views a `sample` command may ask for. */
const MAX_SAMPLE_VIEWS = 8;

/** Held-out sample `index` of the snapshot set and its augmented views (the run's augmentation). */
async function heldOutSample(
  s: TrainingSession,
  command: Extract<WorkerCommand, { type: 'sample' }>,
): Promise<HeldOutSample> {
  const test = s.dataset.test;
  const n = Math.min(s.config.evaluation.maxTest, test.n);
  const index = command.index;
  if (!Number.isInteger(index) || index < 0 || index >= n)
    throw new Error(`sample ${index} is not in the held-out snapshot (0 to ${n - 1})`);
  const { height, width, channels } = s.dataset.info.imageShape;
  const per = height * width * channels;
  const image = test.images.slice(index * per, (index + 1) * per);
  const V = Math.max(0, Math.min(MAX_SAMPLE_VIEWS, Math.floor(command.views)));
  const views: Float32Array[] = [];
  if (V > 0) {
    // Seeded per sample, so hovering the same point twice shows the same views.
    const seed = command.seed ?? (Math.imul(s.config.seed + 1, 0x9e3779b1) ^ index) >>> 0;
    const input = tf.tensor4d(image, [1, height, width, channels]);
    const out = s.augment ? s.augment(input, V, seed) : tf.tile(input, [V, 1, 1, 1]);
    input.dispose();
    try {
      const all = (await out.data()) as Float32Array;
      for (let v = 0; v < V; v++) views.push(all.slice(v * per, (v + 1) * per));
    } finally {
      out.dispose();
    }
  }
  const pick = (r: Record<string, ArrayLike<number>>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v[index])]));
  return {
    index,
    height,
    width,
    channels,
    image,
    views,
    labels: pick(test.labels),
    attributes: pick(test.attributes),
    flags: pick(test.flags),
  };
}

async function answerSample(command: Extract<WorkerCommand, { type: 'sample' }>): Promise<void> {
  const reply = (rest: { sample?: HeldOutSample; error?: string }) =>
    emit({ type: 'sample', runId: command.runId, requestId: command.requestId, ...rest });
  if (!session || command.runId !== currentRun)
    return reply({ error: `run ${command.runId} is not loaded` });
  try {
    reply({ sample: await heldOutSample(session, command) });
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
}

async function answerExport(command: Extract<WorkerCommand, { type: 'export' }>): Promise<void> {
  const { runId, requestId } = command;
  if (!session || runId !== currentRun)
    return emit({ type: 'export-data', runId, requestId, error: `run ${runId} is not loaded` });
  try {
    emit(
      command.what === 'weights'
        ? { type: 'export-data', runId, requestId, weights: await currentWeights(session.trainer) }
        : {
            type: 'export-data',
            runId,
            requestId,
            payload: await exportPayload(session.trainer, { weights: true }),
          },
    );
  } catch (error) {
    emit({
      type: 'export-data',
      runId,
      requestId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

async function answerWeights(command: Extract<WorkerCommand, { type: 'weights' }>): Promise<void> {
  const reply = (rest: { weights?: Float32Array[][]; step?: number; error?: string }) =>
    emit({ type: 'weights', runId: command.runId, requestId: command.requestId, ...rest });
  if (!session || command.runId !== currentRun)
    return reply({ error: `run ${command.runId} is not loaded` });
  try {
    const step = session.step;
    reply({ weights: await session.weights(), step });
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
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
    case 'sample':
      return answerSample(command);
    case 'export':
      return answerExport(command);
    case 'weights':
      return answerWeights(command);
  }
}

/**
 * Commands run one after another (a `play` sent while `start` still loads its data must wait for
 * it), except `pause` and a new `start`, which act at once so a running loop stops promptly, and
 * `sample`, which waits only for the latest `start` to load (not for a `play` that may train for
 * minutes) and is answered between two training steps: it only reads the data set and runs the
 * augmentation on its own tensors.
 */
let queue: Promise<void> = Promise.resolve();
/** Settles when the latest queued `start` has loaded (or failed). */
let loaded: Promise<void> = Promise.resolve();

let sequence = 0;
let lastPause = -1;

function receive(command: WorkerCommand): void {
  const seq = sequence++;
  if (command.type === 'start') latestStart = command.runId;
  if (command.type === 'pause' || command.type === 'start') session?.pause();
  if (command.type === 'pause') {
    // Also cancels a play or step that is queued but not started yet.
    lastPause = seq;
    return;
  }
  if (command.type === 'sample') {
    loaded = loaded.then(() => answerSample(command));
    return;
  }
  if (command.type === 'export') {
    // Like `sample`: a long `play` must not hold the export back; the weights are cloned at once.
    loaded = loaded.then(() => answerExport(command));
    return;
  }
  if (command.type === 'weights') {
    loaded = loaded.then(() => answerWeights(command));
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
    .catch(async (error: unknown) => {
      if (await recoveredFromDeviceLoss(command).catch(() => false)) return;
      // A start that a newer one replaced while it loaded failed for nobody: say it was replaced.
      if (command.type === 'start' && latestStart !== command.runId) {
        emit({
          type: 'paused',
          runId: command.runId,
          step: 0,
          reason: 'Replaced by a newer run before it loaded.',
        });
        return;
      }
      const fatal = isBackendFailure(error, command.type);
      emit({
        type: 'error',
        runId: command.runId,
        message: error instanceof Error ? error.message : String(error),
        ...(fatal ? { fatal } : {}),
      });
    });
  if (command.type === 'start') loaded = queue;
}

scope.addEventListener('message', (event) => receive(event.data));

// The page's first `start` rides in the worker's name (client.ts): a message posted before a worker
// runs is handed over by the page's main thread, which may be busy compiling Plotly for seconds.
const boot = bootCommandFromName((self as unknown as { name?: string }).name);
if (boot) receive(boot);
