/**
 * A training session: a Trainer plus the play/pause/step loop, evaluation every `evalEvery` steps,
 * the metrics history, and the last good weights. The worker and the headless runner both drive
 * this; it emits plain-data events and never touches the DOM.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types';
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { HeldOutSample, SnapshotLabels, WeightsSnapshot } from '../contracts/protocol';
import { currentWeights } from './exportPayload';
import { evaluate, type EvaluateOptions, type EvaluationResult } from './evaluate';
import type { MetricsRecord } from '../contracts/metrics';
import { Trainer, type AugmentFn, type StepResult } from './trainer';

/** Queued GPU steps are read back at evaluations, at the end, at a pause, or after this long. */
const READ_EVERY_MS = 1000;
import { readWeights, writeWeights } from '../models/encoder';
import { transferTask } from './transfer';

/** Most augmented views a held-out sample may be asked for. */
export const MAX_SAMPLE_VIEWS = 8;

/** Lets pending messages and timers run (a macrotask turn, not a 4 ms-clamped timeout). */
function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined')
    return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      channel.port2.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export interface SessionEvents {
  progress?(step: number, loss: number, stepsPerSecond: number): void;
  evaluation?(result: EvaluationResult): void;
  paused?(step: number, reason?: string): void;
  finished?(step: number, final: MetricsRecord): void;
}

export class TrainingSession {
  readonly history: MetricsRecord[] = [];
  trainer: Trainer;
  private running = false;
  private stopRequested = false;
  private recentLosses: number[] = [];
  private lastRead = 0;
  private goodWeights: Float32Array[][] | null = null;

  constructor(
    readonly config: TrainingConfig,
    readonly dataset: Dataset,
    readonly augment: AugmentFn | undefined,
    private readonly events: SessionEvents = {},
  ) {
    // A bad transfer label fails now rather than at the end of the run.
    if (config.transfer) transferTask(dataset, config.transfer.label);
    this.trainer = new Trainer(config, dataset, augment);
  }

  get step(): number {
    return this.trainer.stepCount;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Trains until `untilStep` (default config.steps), a pause request, or a non-finite step. */
  async play(untilStep = this.config.steps): Promise<'finished' | 'paused'> {
    return this.loop(untilStep);
  }

  async stepBy(count: number): Promise<'finished' | 'paused'> {
    return this.loop(this.step + count, true);
  }

  pause(): void {
    if (this.running) this.stopRequested = true;
  }

  /** The held-out embedding only (no probes), for a first frame; not kept in the history. */
  async previewNow(): Promise<EvaluationResult> {
    const result = await evaluate(this.trainer, { quick: true });
    this.events.evaluation?.(result);
    return result;
  }

  /**
   * A full evaluation, kept in the history. `transfer`: true (or settings) adds the transfer study
   * now; by default it runs only at the final step, when the config has a `transfer` section.
   */
  async evaluateNow(options: Pick<EvaluateOptions, 'transfer'> = {}): Promise<EvaluationResult> {
    // The weights have not changed since an evaluation at this step that computed the transfer
    // study: keep its result rather than train the two classifiers again.
    const previous = this.history.at(-1);
    const reuse =
      options.transfer === undefined &&
      previous?.step === this.step &&
      previous.transfer !== undefined
        ? previous.transfer
        : undefined;
    const result = await evaluate(this.trainer, reuse ? { ...options, transfer: false } : options);
    if (reuse) result.metrics.transfer = reuse;
    if (this.recentLosses.length) {
      result.metrics.loss = this.recentLosses.reduce((a, b) => a + b, 0) / this.recentLosses.length;
    }
    this.recentLosses = [];
    const last = this.history.at(-1);
    if (last && last.step === result.metrics.step)
      this.history[this.history.length - 1] = result.metrics;
    else this.history.push(result.metrics);
    this.goodWeights = await this.readAllWeights();
    this.events.evaluation?.(result);
    return result;
  }

  /** Rebuilds the trainer (after a backend change) and restores the last good weights. */
  async rebuild(): Promise<void> {
    const weights = this.goodWeights ?? (await this.readAllWeights().catch(() => null));
    const steps = this.trainer.stepCount;
    this.trainer.dispose();
    this.trainer = new Trainer(this.config, this.dataset, this.augment);
    this.trainer.stepCount = steps;
    if (weights) this.writeAllWeights(weights);
  }

  /**
   * Every encoder's weights at this step, cloned at once: a step that runs while they are read
   * (a `play` goes on while the page asks) cannot mix two steps' weights.
   */
  async weightsSnapshot(): Promise<WeightsSnapshot> {
    const { step, tensors } = await currentWeights(this.trainer);
    const parts = [this.trainer.encoder, this.trainer.salientEncoder].filter(
      (e) => e !== undefined,
    );
    return { step, tensors, encoders: parts.map((e) => e.variables.length) };
  }

  /** How many held-out samples the snapshots embed: the first n of the test split. */
  get snapshotSize(): number {
    return Math.min(this.config.evaluation.maxTest, this.dataset.test.n);
  }

  /** Per-sample constants of the held-out snapshot set (sent once per run). */
  snapshotLabels(): SnapshotLabels {
    const n = this.snapshotSize;
    const test = this.dataset.test;
    const copy = <T extends Int32Array | Float32Array | Uint8Array>(r: Record<string, T>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.slice(0, n)])) as Record<
        string,
        T
      >;
    return {
      n,
      labels: copy(test.labels),
      attributes: copy(test.attributes),
      flags: copy(test.flags),
    };
  }

  /**
   * Held-out sample `index` of the snapshot set and `views` augmented views of it (the run's own
   * augmentation, at most MAX_SAMPLE_VIEWS), seeded by `seed` or by the run's seed and the index,
   * so hovering the same point twice shows the same views. Only reads the data set and runs the
   * augmentation on its own tensors: safe between two training steps.
   */
  async heldOutSample(index: number, views: number, seed?: number): Promise<HeldOutSample> {
    const test = this.dataset.test;
    const n = this.snapshotSize;
    if (!Number.isInteger(index) || index < 0 || index >= n)
      throw new Error(`sample ${index} is not in the held-out snapshot (0 to ${n - 1})`);
    const { height, width, channels } = this.dataset.info.imageShape;
    const per = height * width * channels;
    const image = test.images.slice(index * per, (index + 1) * per);
    const V = Math.max(0, Math.min(MAX_SAMPLE_VIEWS, Math.floor(views)));
    const out: Float32Array[] = [];
    if (V > 0) {
      const s = seed ?? (Math.imul(this.config.seed + 1, 0x9e3779b1) ^ index) >>> 0;
      const input = tf.tensor4d(image, [1, height, width, channels]);
      const augmented = this.augment ? this.augment(input, V, s) : tf.tile(input, [V, 1, 1, 1]);
      input.dispose();
      try {
        const all = (await augmented.data()) as Float32Array;
        for (let v = 0; v < V; v++) out.push(all.slice(v * per, (v + 1) * per));
      } finally {
        augmented.dispose();
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
      views: out,
      labels: pick(test.labels),
      attributes: pick(test.attributes),
      flags: pick(test.flags),
    };
  }

  /**
   * Puts saved weights back and goes on counting from `step` (a run restored after a reload);
   * the optimiser's state starts afresh. Throws when the shapes do not fit this config.
   */
  restore(weights: Float32Array[][], step: number): void {
    this.writeAllWeights(weights);
    this.trainer.stepCount = step;
    this.goodWeights = weights;
  }

  dispose(): void {
    this.stopRequested = true;
    this.trainer.dispose();
  }

  private async readAllWeights(): Promise<Float32Array[][]> {
    const parts = [this.trainer.encoder, this.trainer.salientEncoder].filter(
      (e) => e !== undefined,
    );
    return Promise.all(parts.map((e) => readWeights(e)));
  }

  private writeAllWeights(weights: Float32Array[][]): void {
    const parts = [this.trainer.encoder, this.trainer.salientEncoder].filter(
      (e) => e !== undefined,
    );
    parts.forEach((e, i) => writeWeights(e, weights[i]!));
  }

  /** Queues one step; reads the queued ones (one read) when something needs their results. */
  private async queuedSteps(untilStep: number): Promise<StepResult[]> {
    // A pause reads what is queued before it takes effect.
    if (!this.stopRequested) this.trainer.queueStep();
    const next = this.step + this.trainer.queuedCount;
    const due =
      next >= untilStep ||
      next % this.config.evalEvery === 0 ||
      performance.now() - this.lastRead >= READ_EVERY_MS ||
      this.stopRequested;
    if (!due) return [];
    this.lastRead = performance.now();
    return this.trainer.drain();
  }

  private async loop(untilStep: number, pauseAtEnd = false): Promise<'finished' | 'paused'> {
    if (this.running) throw new Error('the session is already running');
    this.running = true;
    this.stopRequested = false;
    const started = performance.now();
    const startStep = this.step;
    this.lastRead = started;
    try {
      while (this.step < untilStep) {
        // On CPU-side backends `await data()` resolves as a microtask, so without this a worker
        // would never see the `pause` message queued behind the loop.
        await yieldToEventLoop();
        if (this.stopRequested && this.trainer.queuedCount === 0) {
          this.events.paused?.(this.step);
          return 'paused';
        }
        // On a GPU, steps queue without reading back; their losses come in one read when an
        // evaluation, the end or a pause is due, or a second has passed (progress stays live).
        const results = this.trainer.defersReads
          ? await this.queuedSteps(untilStep)
          : [await this.trainer.step()];
        for (const result of results) {
          if (!result.applied) {
            this.events.paused?.(this.step, result.error);
            return 'paused';
          }
          this.recentLosses.push(result.loss);
          const seconds = (performance.now() - started) / 1000;
          this.events.progress?.(
            result.step,
            result.loss,
            seconds > 0 ? (result.step - startStep) / seconds : 0,
          );
        }
        if (
          results.length > 0 &&
          (this.step % this.config.evalEvery === 0 || this.step === untilStep)
        )
          await this.evaluateNow();
      }
      if ((pauseAtEnd || untilStep < this.config.steps) && this.step < this.config.steps) {
        this.events.paused?.(this.step);
        return 'paused';
      }
      this.events.finished?.(this.step, this.history.at(-1) ?? { step: this.step });
      return 'finished';
    } finally {
      this.running = false;
    }
  }
}
