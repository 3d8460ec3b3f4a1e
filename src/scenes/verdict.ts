/**
 * The verdict of a scene from its arms' evaluations, pure: every comparison is read at the latest
 * step that all of its arms have evaluated (so a faster arm is never compared with a slower one's
 * earlier state), and it holds when the claimed side wins by at least the scene's effect size.
 */
import type { MetricsRecord } from '../contracts/metrics';
import type { Comparison, Readout, Scene } from './types';

export type ComparisonStatus = 'holds' | 'fails' | 'pending';

export interface ComparisonVerdict {
  comparison: Comparison;
  status: ComparisonStatus;
  /** The step both sides were read at (absent while pending). */
  step?: number;
  better?: number;
  worse?: number;
  /** better − worse in the claim's direction (positive: the claim's side wins). */
  effect?: number;
}

export interface SceneVerdict {
  status: ComparisonStatus;
  /** True when every comparison was read at the end of its arms' budget. */
  final: boolean;
  comparisons: ComparisonVerdict[];
  /** One line for the page ("FairKL: … — holds so far"). */
  text: string;
  /** The same without the scene's title (under a header that already shows it). */
  short: string;
}

export type ArmHistories = Record<string, readonly MetricsRecord[] | undefined>;

/** The value a readout reads from one evaluation, if that evaluation has it. */
export function readValue(read: Readout, m: MetricsRecord): number | undefined {
  let v: number | undefined;
  if ('metric' in read) v = m[read.metric];
  else if ('probe' in read) v = m[read.probe]?.[read.label];
  else v = m.transfer?.[read.transfer];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Values of a readout by step. */
function byStep(read: Readout, histories: ArmHistories): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of histories[read.arm] ?? []) {
    const v = readValue(read, m);
    if (v !== undefined) out.set(m.step, v);
  }
  return out;
}

export function compare(comparison: Comparison, histories: ArmHistories): ComparisonVerdict {
  const a = byStep(comparison.better.read, histories);
  const b = byStep(comparison.worse.read, histories);
  const common = [...a.keys()].filter((s) => b.has(s));
  if (!common.length) return { comparison, status: 'pending' };
  const step = Math.max(...common);
  const better = a.get(step)!;
  const worse = b.get(step)!;
  const effect = comparison.higherIsBetter ? better - worse : worse - better;
  // A tiny tolerance so that an effect equal to the threshold in decimal terms is not lost to
  // floating point (0.15 is not exactly representable).
  const status = effect >= comparison.minEffect - 1e-9 ? 'holds' : 'fails';
  return { comparison, status, step, better, worse, effect };
}

function format(v: number): string {
  return Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** `measure: better 0.41 vs worse 0.12` for one comparison. */
export function describeComparison(v: ComparisonVerdict): string {
  const c = v.comparison;
  if (v.status === 'pending')
    return `${c.measure}: ${c.better.name} vs ${c.worse.name} (not evaluated yet)`;
  return `${c.measure}: ${c.better.name} ${format(v.better!)} vs ${c.worse.name} ${format(v.worse!)}`;
}

/** The effect each comparison needs, in words (for the card and the CLI). */
export function describeThreshold(c: Comparison): string {
  const dir = c.higherIsBetter ? 'higher' : 'lower';
  if (c.minEffect < 0)
    return `${c.better.name} at least as good as ${c.worse.name} on ${c.measure} (within ${format(-c.minEffect)})`;
  if (c.minEffect === 0) return `${c.better.name} ${dir} than ${c.worse.name} on ${c.measure}`;
  return `${c.better.name} ${dir} than ${c.worse.name} on ${c.measure} by at least ${format(c.minEffect)}`;
}

/**
 * The scene's verdict. `budgets` gives each arm's final step: a verdict read there is final
 * ("holds"/"fails"), earlier it is "so far".
 */
export function sceneVerdict(
  scene: Scene,
  histories: ArmHistories,
  budgets: Record<string, number> = armBudgets(scene),
): SceneVerdict {
  const comparisons = scene.comparisons.map((c) => compare(c, histories));
  const status: ComparisonStatus = comparisons.some((c) => c.status === 'pending')
    ? 'pending'
    : comparisons.every((c) => c.status === 'holds')
      ? 'holds'
      : 'fails';
  const final =
    status !== 'pending' &&
    comparisons.every(
      (c) =>
        c.step === budgets[c.comparison.better.read.arm] &&
        c.step === budgets[c.comparison.worse.read.arm],
    );
  const parts = comparisons.map(describeComparison).join('; ');
  const word =
    status === 'pending'
      ? 'waiting for the first evaluation'
      : final
        ? status
        : status === 'holds'
          ? 'holds so far'
          : 'does not hold yet';
  const short = `${parts} — ${word}`;
  return { status, final, comparisons, text: `${scene.title}: ${short}`, short };
}

/** Each arm's `steps` (its budget), from its config. */
export function armBudgets(scene: Scene): Record<string, number> {
  return Object.fromEntries(scene.arms.map((a) => [a.id, Number(a.config.steps)]));
}

/** The CLI's line: `scene <id>: holds — <metric>: <arm> <value> vs <arm> <value>`. */
export function verdictLine(scene: Scene, verdict: SceneVerdict): string {
  const word =
    verdict.status === 'holds' ? 'holds' : verdict.status === 'fails' ? 'fails' : 'pending';
  return `scene ${scene.id}: ${word} — ${verdict.comparisons.map(describeComparison).join('; ')}`;
}
