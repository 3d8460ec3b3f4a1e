/**
 * A training session: a Trainer plus the play/pause/step loop, evaluation every `evalEvery` steps,
 * the metrics history, and the last good weights. The worker and the headless runner both drive
 * this; it emits plain-data events and never touches the DOM.
 */
import type { Dataset } from '../data/types';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { evaluate, type EvaluateOptions, type EvaluationResult } from './evaluate';
import type { MetricsRecord } from '../contracts/metrics';
import { Trainer, type AugmentFn, type StepResult } from './trainer';

/** Queued GPU steps are read back at evaluations, at the end, at a pause, or after this long. */
const READ_EVERY_MS = 1000;
import { readWeights, writeWeights } from '../models/encoder';
import { transferTask } from './transfer';

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

  /** Every encoder's weights as plain arrays (to save a run in the browser). */
  weights(): Promise<Float32Array[][]> {
    return this.readAllWeights();
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
