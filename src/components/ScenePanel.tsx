/**
 * Claim scenes: pick a claim, its arms train side by side from one seed, and the page shows each
 * arm's embedding, the claim's metric over steps for every arm, and the verdict so far in words.
 * In talk mode the scene is a stage that fills the window (styles.css, `.scene-stage`).
 */
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import {
  SCENES,
  describeThreshold,
  readValue,
  sceneById,
  sceneVerdict,
  trainedResultsFor,
  withSeed,
} from '../scenes';
import type { Comparison, Scene, SceneArm } from '../scenes';
import type { RunState } from '../state/store';
import { pca } from '../projection';
import { EmbeddingPreview } from '../plots/EmbeddingPreview';
import { coordinateExtent, stableRange } from '../plots/model/embedding';
import { RUN_COLORS } from '../plots/palette';
import { LossFormula } from './LossFormula';
import { useSceneRunner, useStore } from './storeContext';

/** The scene's arms' runs, by arm id. */
function useSceneRuns(): { scene: Scene; runs: Record<string, RunState | undefined> } | null {
  const active = useStore((s) => s.scene);
  const runs = useStore(
    useShallow((s) =>
      s.scene ? Object.values(s.scene.runs).map((id) => s.runs[id]) : ([] as RunState[]),
    ),
  );
  return useMemo(() => {
    if (!active) return null;
    const scene = withSeed(sceneById(active.id), active.seed);
    const ids = Object.keys(active.runs);
    return { scene, runs: Object.fromEntries(ids.map((arm, i) => [arm, runs[i]])) };
  }, [active, runs]);
}

export function SceneBar() {
  const runner = useSceneRunner();
  const active = useStore((s) => s.scene);
  const [choice, setChoice] = useState(SCENES[0]!.id);
  const [seed, setSeed] = useState(1);
  // A scene started elsewhere (the scripting API, a trained result) shows here as the one chosen.
  const [shown, setShown] = useState<{ id: string; seed: number } | null>(null);
  if (active && (active.id !== shown?.id || active.seed !== shown?.seed)) {
    setShown({ id: active.id, seed: active.seed });
    setChoice(active.id);
    setSeed(active.seed);
  }
  const [error, setError] = useState<string | null>(null);
  const [jumping, setJumping] = useState(false);
  const trained = useMemo(
    () => trainedResultsFor(withSeed(sceneById(choice), seed)),
    [choice, seed],
  );
  if (!runner) return null;
  const jump = () => {
    setJumping(true);
    runner
      .startTrained(choice)
      .then(
        () => setError(null),
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => setJumping(false));
  };
  const trainedSteps = trained ? Math.max(...Object.values(trained).map((r) => r.steps)) : 0;
  const start = () => {
    try {
      runner.start(choice, seed);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="scene-bar row" aria-label="Claim scenes" data-testid="scene-bar">
      <label htmlFor="scene-select">Claim</label>
      <select
        id="scene-select"
        value={choice}
        onChange={(e) => setChoice(e.target.value)}
        data-testid="scene-select"
      >
        {SCENES.map((s) => (
          <option key={s.id} value={s.id}>
            {s.title}
          </option>
        ))}
      </select>
      <label>
        seed{' '}
        <input
          type="number"
          min={0}
          step={1}
          value={seed}
          style={{ width: '5em' }}
          onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
          data-testid="scene-seed"
        />
      </label>
      <button className="primary" onClick={start} data-testid="scene-start">
        train arms side by side
      </button>
      {trained && (
        <button
          onClick={jump}
          disabled={jumping}
          title={`Load the arms trained for ${trainedSteps.toLocaleString('en')} steps by npm run scenes:train (seed ${seed})`}
          data-testid="scene-trained"
        >
          {jumping
            ? 'loading…'
            : `jump to the trained result (${trainedSteps.toLocaleString('en')} steps)`}
        </button>
      )}
      {active && (
        <>
          <button onClick={() => runner.pause()}>pause arms</button>
          <button onClick={() => runner.play()} data-testid="scene-play">
            {active.trained ? 'keep training' : 'resume arms'}
          </button>
          <button onClick={() => runner.stop()} data-testid="scene-stop">
            leave scene
          </button>
        </>
      )}
      {error && (
        <span role="alert" className="caption">
          {error}
        </span>
      )}
    </section>
  );
}

/** The stage: claim, verdict, the arms' embeddings and the claim's metric for every arm. */
export function SceneStage() {
  const data = useSceneRuns();
  const talk = useStore((s) => s.talkMode);
  const trained = useStore((s) => s.scene?.trained);
  const runner = useSceneRunner();
  const [jumpError, setJumpError] = useState<string | null>(null);
  if (!data) return null;
  const { scene, runs } = data;
  const histories = Object.fromEntries(
    Object.entries(runs).map(([arm, run]) => [arm, run?.history]),
  );
  const verdict = sceneVerdict(scene, histories, trained);
  return (
    <section className="scene-stage card" aria-label="Claim scene" data-testid="scene-stage">
      <header className="scene-head" data-testid="scene-claim">
        <h2>
          {scene.title} <span className="caption">({scene.paper})</span>
          {trained && (
            <span className="scene-trained-tag" data-testid="scene-trained-tag">
              trained result · {Math.max(...Object.values(trained)).toLocaleString('en')} steps
            </span>
          )}
        </h2>
        <p className="scene-claim">{scene.claim}</p>
        <p
          className={`scene-verdict ${verdict.status}`}
          role="status"
          aria-live="polite"
          data-testid="scene-verdict"
          data-status={verdict.status}
          data-final={verdict.final ? 'true' : 'false'}
        >
          {verdict.short}
        </p>
        <StageActions
          scene={scene}
          trained={trained !== undefined}
          onJump={() =>
            runner?.startTrained(scene.id).then(
              () => setJumpError(null),
              (e: unknown) => setJumpError(e instanceof Error ? e.message : String(e)),
            )
          }
          onPlay={() => runner?.play()}
          error={jumpError}
        />
      </header>
      <div
        className="scene-arms"
        style={{ gridTemplateColumns: `repeat(${armPanels(scene, runs)}, minmax(0, 1fr))` }}
        data-testid="scene-arms"
      >
        {scene.arms.map((arm) => (
          <ArmView key={arm.id} arm={arm} run={runs[arm.id]} talk={talk} />
        ))}
      </div>
      <div
        className="scene-metrics"
        style={{ gridTemplateColumns: `repeat(${scene.comparisons.length}, minmax(0, 1fr))` }}
        data-testid="scene-metrics"
      >
        {scene.comparisons.map((c, i) => (
          <MetricChart key={i} comparison={c} runs={runs} scene={scene} />
        ))}
      </div>
      <details className="scene-card" data-testid="scene-card">
        <summary>How this scene is built</summary>
        <p>{scene.card}</p>
        <ul>
          {scene.comparisons.map((c, i) => (
            <li key={i}>Holds when {describeThreshold(c)}.</li>
          ))}
        </ul>
        {scene.caveat && <p className="caption">Caveat: {scene.caveat}</p>}
        <p className="caption">
          Claims {scene.validationClaims.join(', ')} of the validation suite; measured seeds and
          times in docs/SCENES.md.
        </p>
      </details>
    </section>
  );
}

/**
 * On the stage itself (talk mode hides the scene bar below the fold): jump to the scene's trained
 * result when it has an up-to-date one, and keep training once it is loaded.
 */
function StageActions({
  scene,
  trained,
  onJump,
  onPlay,
  error,
}: {
  scene: Scene;
  trained: boolean;
  onJump: () => void;
  onPlay: () => void;
  error: string | null;
}) {
  const results = useMemo(() => trainedResultsFor(scene), [scene]);
  if (!results && !trained) return null;
  const steps = results ? Math.max(...Object.values(results).map((r) => r.steps)) : 0;
  return (
    <p className="scene-stage-actions row">
      {trained ? (
        <button onClick={onPlay} data-testid="stage-play">
          keep training
        </button>
      ) : (
        <button onClick={onJump} data-testid="stage-trained">
          jump to the trained result ({steps.toLocaleString('en')} steps)
        </button>
      )}
      {error && (
        <span role="alert" className="caption">
          {error}
        </span>
      )}
    </p>
  );
}

/** Panels in the arms row: one per arm, two for a SepCLR arm (common and salient spaces). */
function armPanels(scene: Scene, runs: Record<string, RunState | undefined>): number {
  return scene.arms.reduce((n, a) => n + (runs[a.id]?.snapshot?.salient ? 2 : 1), 0);
}

function colourKey(arm: SceneArm, run: RunState | undefined): string | undefined {
  const attribute = (arm.config.positives as { attribute?: unknown } | undefined)?.attribute;
  if (typeof attribute === 'string') return attribute;
  return run?.dataset?.classLabel;
}

function ArmView({ arm, run, talk }: { arm: SceneArm; run: RunState | undefined; talk: boolean }) {
  const snapshot = run?.snapshot;
  const labels = run?.snapshotLabels;
  const key = colourKey(arm, run);
  const steps = Number(run?.config.steps ?? arm.config.steps);
  const loss = arm.config.loss as { name: string } & Record<string, unknown>;
  const regularizer = arm.config.regularizer as { name: 'fairkl'; weight: number } | undefined;
  const status = run
    ? `${run.status} · step ${run.step}/${steps}${run.stepsPerSecond ? ` · ${run.stepsPerSecond.toFixed(1)} steps/s` : ''}`
    : 'starting';
  const common = (
    <ArmEmbedding
      title={arm.label}
      status={status}
      points={snapshot ? { x: snapshot.projection, n: snapshot.n, dim: snapshot.dim } : undefined}
      labels={labels}
      colourBy={key}
      formula={
        <LossFormula
          loss={loss.name}
          params={loss}
          regularizer={regularizer ?? null}
          showDefinitions={false}
          showCitation={false}
          talk={false}
          className="scene-formula"
        />
      }
      talk={talk}
    />
  );
  if (!snapshot?.salient || !snapshot.salientDim) return common;
  return (
    <>
      {common}
      <ArmEmbedding
        title={`${arm.label}: salient space`}
        status={status}
        points={{ x: snapshot.salient, n: snapshot.n, dim: snapshot.salientDim }}
        labels={labels}
        colourBy={key}
        talk={talk}
      />
    </>
  );
}

function ArmEmbedding({
  title,
  status,
  points,
  labels,
  colourBy,
  formula,
}: {
  title: string;
  status: string;
  points: { x: Float32Array; n: number; dim: number } | undefined;
  labels: RunState['snapshotLabels'];
  colourBy: string | undefined;
  formula?: React.ReactNode;
  talk: boolean;
}) {
  const projected = useMemo(() => {
    if (!points || points.n < 3) return null;
    const coords =
      points.dim === 2 ? points.x : pca(points.x, points.n, points.dim, { components: 2 }).coords;
    const ranges = {
      x: stableRange(null, coordinateExtent(coords, 2, 0)),
      y: stableRange(null, coordinateExtent(coords, 2, 1)),
      z: null,
    };
    return { coords, ranges };
  }, [points]);
  const categorical = colourBy ? labels?.labels[colourBy] : undefined;
  const continuous = colourBy ? labels?.attributes[colourBy] : undefined;
  const n = points?.n ?? 0;
  const colorValues = (categorical ?? continuous)?.subarray(0, n) ?? null;
  return (
    <article className="scene-arm" data-testid="scene-arm">
      <h3>{title}</h3>
      <p className="caption">
        {status}
        {colourBy ? ` · colour: ${colourBy}` : ''}
      </p>
      {formula}
      <div className="scene-embedding" data-testid="scene-embedding">
        {projected ? (
          <EmbeddingPreview
            input={{
              coords: projected.coords,
              components: 2,
              colorValues,
              colorKind: categorical ? 'categorical' : 'continuous',
            }}
            ranges={projected.ranges}
            radius={2}
            label={`${title}: embedding of ${n} held-out samples (PCA)`}
          />
        ) : (
          <p className="caption">The embedding appears after the first evaluation.</p>
        )}
      </div>
    </article>
  );
}

const W = 400;
const H = 160;
const PAD = { left: 4, right: 4, top: 6, bottom: 6 };

/** The claim's metric over steps, one line per side, as SVG (no Plotly: cheap and predictable). */
function MetricChart({
  comparison,
  runs,
  scene,
}: {
  comparison: Comparison;
  runs: Record<string, RunState | undefined>;
  scene: Scene;
}) {
  const sides = [comparison.better, comparison.worse];
  const series = sides.map((side) =>
    (runs[side.read.arm]?.history ?? [])
      .map((m) => ({ step: m.step, value: readValue(side.read, m) }))
      .filter((p): p is { step: number; value: number } => p.value !== undefined),
  );
  const steps = Math.max(
    ...scene.arms.map((a) => Number(runs[a.id]?.config.steps ?? a.config.steps)),
  );
  const values = series.flat().map((p) => p.value);
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  if (hi - lo < 1e-6) {
    lo -= 0.05;
    hi += 0.05;
  }
  const x = (s: number) => PAD.left + ((W - PAD.left - PAD.right) * s) / Math.max(steps, 1);
  const y = (v: number) => PAD.top + ((H - PAD.top - PAD.bottom) * (hi - v)) / (hi - lo);
  const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2));
  return (
    <figure className="scene-metric" data-testid="scene-metric">
      <figcaption>
        {comparison.measure} ({comparison.higherIsBetter ? 'higher' : 'lower'} is better)
      </figcaption>
      <div className="scene-chart">
        <div className="scene-yticks" aria-hidden>
          <span>{fmt(hi)}</span>
          <span>{fmt(lo)}</span>
        </div>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${comparison.measure} over training steps for ${sides.map((s) => s.name).join(' and ')}`}
        >
          <rect x={0} y={0} width={W} height={H} className="frame" />
          {series.map((points, i) => (
            <polyline
              key={i}
              fill="none"
              stroke={RUN_COLORS[i % RUN_COLORS.length]}
              strokeWidth={2.5}
              strokeDasharray={i === 1 ? '6 4' : undefined}
              vectorEffect="non-scaling-stroke"
              points={points.map((p) => `${x(p.step)},${y(p.value)}`).join(' ')}
            />
          ))}
          {/* A dot per evaluation: zero-length round-capped lines stay round when stretched. */}
          {series.map((points, i) =>
            points.map((p) => (
              <line
                key={`${i}-${p.step}`}
                x1={x(p.step)}
                x2={x(p.step)}
                y1={y(p.value)}
                y2={y(p.value)}
                stroke={RUN_COLORS[i % RUN_COLORS.length]}
                strokeWidth={7}
                strokeLinecap="round"
                vectorEffect="non-scaling-stroke"
              />
            )),
          )}
        </svg>
      </div>
      <div className="scene-legend row">
        <span className="caption">steps 0–{steps}:</span>
        {sides.map((side, i) => {
          const last = series[i]!.at(-1);
          return (
            <span key={i}>
              <span
                className="swatch"
                style={{ borderColor: RUN_COLORS[i % RUN_COLORS.length] }}
                aria-hidden
              />{' '}
              {side.name}
              {last ? `: ${fmt(last.value)}` : ''}
            </span>
          );
        })}
      </div>
    </figure>
  );
}
