/**
 * The training worker: a thin adapter from protocol messages to a TrainingSession, with its
 * command scheduler. Snapshots leave as transferred typed arrays. A lost GPU device moves the run
 * to the next backend and continues from the last good weights. Backends: backends.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fallbackBackend, startBackend } from './backends';
import { onDeviceLost, type BackendName } from '../engine/backend';
import { TrainingSession } from '../engine/session';
import { bootCommandFromName, transferablesOf } from './protocol';
import type {
  ExportPayload,
  HeldOutSample,
  WeightsSnapshot,
  WorkerCommand,
  WorkerEvent,
} from '../contracts/protocol';
import { browserDataSource } from '../data/browserReader';
import { withHelperWorker } from './augmentPrefetch';
import { loadTrainingData } from '../engine/trainingData';
import { exportPayload } from '../engine/exportPayload';
import { hookedStep, isBackendFailure, type WorkerTestHooks } from './failure';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerCommand>) => void): void;
}
const scope = self as unknown as WorkerScope;

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
  const backendReady = startBackend(command.backend, failedBackends);
  if (command.config.prior) await backendReady;
  const [backend, { dataset, errors: dataErrors, augment: tensorAugment }] = await Promise.all([
    backendReady,
    (async () =>
      loadTrainingData(
        command.config,
        browserDataSource(
          command.config.dataset.name,
          command.dataUrl,
          command.files,
          () => latestStart === command.runId,
          loadingReporter(command.runId),
        ),
      ))(),
  ]);
  if (latestStart !== command.runId) return superseded();
  const runId = command.runId;
  const augment = withHelperWorker(tensorAugment, dataset, command.config);
  session = new TrainingSession(command.config, dataset, augment, {
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
    snapshotLabels: session.snapshotLabels(),
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
  const backend = await fallbackBackend(failedBackends);
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

async function answerSample(command: Extract<WorkerCommand, { type: 'sample' }>): Promise<void> {
  const reply = (rest: { sample?: HeldOutSample; error?: string }) =>
    emit({ type: 'sample', runId: command.runId, requestId: command.requestId, ...rest });
  if (!session || command.runId !== currentRun)
    return reply({ error: `run ${command.runId} is not loaded` });
  try {
    reply({ sample: await session.heldOutSample(command.index, command.views, command.seed) });
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
}

async function answerExport(command: Extract<WorkerCommand, { type: 'export' }>): Promise<void> {
  const reply = (rest: { payload?: ExportPayload; error?: string }) =>
    emit({ type: 'export-data', runId: command.runId, requestId: command.requestId, ...rest });
  if (!session || command.runId !== currentRun)
    return reply({ error: `run ${command.runId} is not loaded` });
  try {
    reply({ payload: await exportPayload(session.trainer, { weights: true }) });
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
}

async function answerWeights(command: Extract<WorkerCommand, { type: 'weights' }>): Promise<void> {
  const reply = (rest: { weights?: WeightsSnapshot; error?: string }) =>
    emit({ type: 'weights', runId: command.runId, requestId: command.requestId, ...rest });
  if (!session || command.runId !== currentRun)
    return reply({ error: `run ${command.runId} is not loaded` });
  try {
    reply({ weights: await session.weightsSnapshot() });
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
