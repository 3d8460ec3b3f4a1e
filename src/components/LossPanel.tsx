/**
 * The selected loss: its formula with the current hyperparameters, and beside it the positives'
 * weight matrix over a small batch of held-out samples (views, same class, kernel, threshold),
 * recomputed as σ or the definition changes.
 */
import { useMemo } from 'react';
import { LossFormula } from './LossFormula';
import { WeightHeatmap } from '../plots';
import { useStore } from './storeContext';
import { selectActiveRun, selectConfig } from '../state/store';
import { positiveWeights, type PositivesDefinition } from '../ml/positives';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { effectiveLossParams } from '../contracts/lossParams';

const HEATMAP_SAMPLES = 8;

function definitionOf(config: TrainingConfig): PositivesDefinition {
  const p = config.positives;
  if (p.name === 'kernel') {
    const name = config.kernel?.name ?? 'rbf';
    const sigma = config.kernel?.sigma ?? 1;
    return {
      name: 'kernel',
      kernel: name,
      params: name === 'cauchy' ? { gamma: sigma } : { sigma },
    };
  }
  if (p.name === 'threshold') return { name: 'threshold', delta: p.delta ?? 5 };
  return { name: p.name };
}

export function LossPanel() {
  const config = useStore(selectConfig);
  const talk = useStore((s) => s.talkMode);
  const labels = useStore((s) => selectActiveRun(s)?.snapshotLabels);
  const dataset = useStore((s) => selectActiveRun(s)?.dataset);
  const name = config.loss.name;
  const params = useMemo(() => {
    try {
      return effectiveLossParams(config);
    } catch {
      const { name: _n, ...own } = config.loss;
      return own;
    }
  }, [config]);

  const heatmap = useMemo(() => {
    if (!labels) return null;
    const n = Math.min(HEATMAP_SAMPLES, labels.n);
    const classes = dataset?.classLabel ? labels.labels[dataset.classLabel] : undefined;
    const attr = config.positives.attribute;
    const names = attr === undefined ? [] : Array.isArray(attr) ? attr : [attr];
    const attributes = names.length
      ? Array.from({ length: n }, (_, i) =>
          names.map((a) => labels.attributes[a]?.[i] ?? Number.NaN),
        )
      : undefined;
    try {
      const m = positiveWeights(definitionOf(config), {
        nSamples: n,
        nViews: config.views,
        labels: classes ? Array.from(classes.subarray(0, n)) : null,
        ...(attributes ? { attributes } : {}),
      });
      const rowLabels = Array.from({ length: m.size }, (_, a) => {
        const i = a % n;
        const tag = classes
          ? `c${classes[i]}`
          : names.length
            ? `${names[0]}=${attributes![i]![0]!.toFixed(0)}`
            : '';
        return `v${Math.floor(a / n)}·#${i} ${tag}`;
      });
      return { ...m, rowLabels, error: null as string | null };
    } catch (error) {
      return {
        size: 0,
        values: new Float64Array(),
        rowLabels: [],
        error: (error as Error).message,
      };
    }
  }, [labels, dataset, config]);

  return (
    <section className="card" aria-label="Loss">
      <h2>Loss</h2>
      <div className="grid">
        <LossFormula
          loss={name}
          params={params}
          regularizer={
            config.regularizer ? { name: 'fairkl', weight: config.regularizer.weight } : null
          }
          talk={talk}
        />
        {heatmap && heatmap.size > 0 ? (
          <WeightHeatmap
            matrix={heatmap.values}
            size={heatmap.size}
            title={`Positives (${config.positives.name}) over ${HEATMAP_SAMPLES} held-out samples × ${config.views} views`}
            rowLabels={heatmap.rowLabels}
            views={config.views}
            talk={talk}
          />
        ) : (
          <p className="caption">
            {heatmap?.error ?? 'The positives’ weights appear once a run has loaded its data.'}
          </p>
        )}
      </div>
    </section>
  );
}
