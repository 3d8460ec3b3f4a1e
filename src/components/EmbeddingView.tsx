/**
 * The embeddings of the held-out set: natively on the circle or sphere when the embedding has 2 or
 * 3 dimensions, else projected by PCA, UMAP or t-SNE in the projection worker (warm-started from the
 * previous frame so points move instead of jumping). Coloured by class, attribute, bias or site.
 * Hovering a point shows its held-out image and augmented views (SampleCard).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { EmbeddingPlot } from '../plots';
import { selectActiveRun, type ProjectionMethod } from '../state/store';
import { useController, useStore } from './storeContext';
import { SampleCard } from './SampleCard';
import { isStaleProjection } from '../contracts/projection';
import { projectionClient } from '../state/projectionWorker';
import { PLAYGROUND_SETTINGS } from '../projection';

interface Layout {
  coords: Float32Array;
  components: 2 | 3;
  method: string;
  elapsedMs?: number;
}

export function EmbeddingView() {
  const run = useStore(
    useShallow((s) => {
      const r = selectActiveRun(s);
      return r
        ? { id: r.id, snapshot: r.snapshot, labels: r.snapshotLabels, dataset: r.dataset }
        : undefined;
    }),
  );
  const talk = useStore((s) => s.talkMode);
  const method = useStore((s) => s.projection);
  const setMethod = useStore((s) => s.setProjection);
  const colorBy = useStore((s) => s.colorBy);
  const setColorBy = useStore((s) => s.setColorBy);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const snapshot = run?.snapshot;
  const native = snapshot && snapshot.dim <= 3;
  const effective: ProjectionMethod =
    native && method === 'native' ? 'native' : method === 'native' ? 'pca' : method;
  const lastRun = useRef<string | null>(null);
  const controller = useController();
  const runId = run?.id ?? null;
  const onHover = useCallback(
    (index: number | null) => controller.hoverSample(runId, index),
    [controller, runId],
  );

  useEffect(() => {
    if (!snapshot) return;
    if (effective === 'native' && snapshot.dim <= 3) {
      setLayout({
        coords: snapshot.projection,
        components: snapshot.dim as 2 | 3,
        method: 'native',
      });
      return;
    }
    const client = projectionClient();
    const warm = lastRun.current === run?.id;
    lastRun.current = run?.id ?? null;
    let cancelled = false;
    client
      .project(
        effective as 'pca' | 'umap' | 'tsne',
        snapshot.projection.slice(),
        snapshot.n,
        snapshot.dim,
        {
          ...(effective === 'tsne' || effective === 'umap'
            ? { options: PLAYGROUND_SETTINGS[effective] }
            : {}),
          warmStart: warm,
          transfer: true,
          onProgress: (frame) =>
            !cancelled && setLayout({ coords: frame.coords, components: 2, method: effective }),
        },
      )
      .then((result) => {
        if (!cancelled) {
          setLayout({
            coords: result.coords,
            components: result.components as 2 | 3,
            method: effective,
            elapsedMs: result.elapsedMs,
          });
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (!cancelled && !isStaleProjection(e)) setError((e as Error).message);
      });
    return () => {
      cancelled = true;
    };
  }, [snapshot, effective, run?.id]);

  const options = useMemo(() => {
    if (!run?.labels) return [] as string[];
    return [
      ...Object.keys(run.labels.labels),
      ...Object.keys(run.labels.attributes),
      ...Object.keys(run.labels.flags),
    ];
  }, [run?.labels]);
  const key =
    colorBy && options.includes(colorBy)
      ? colorBy
      : (run?.dataset?.classLabel ?? options[0] ?? null);
  const labels = run?.labels;
  const n = layout ? layout.coords.length / layout.components : 0;
  const categorical = key
    ? (labels?.labels[key] ??
      (labels?.flags[key] ? Int32Array.from(labels.flags[key]!) : undefined))
    : undefined;
  const continuous = key ? labels?.attributes[key] : undefined;
  const colorValues = (categorical ?? continuous)?.subarray(0, n) ?? null;
  const info = run?.dataset?.labels.find((l) => l.name === key);
  const biasName = run?.dataset?.biasLabel;
  const symbols =
    biasName && biasName !== key ? labels?.labels[biasName]?.subarray(0, n) : undefined;

  return (
    <section className="card embedding-card" aria-label="Embedding" data-testid="embedding-card">
      <div className="row">
        <h2>
          Embedding{' '}
          {layout?.method === 'native'
            ? layout.components === 2
              ? '(the circle)'
              : '(the sphere)'
            : `(${effective.toUpperCase()})`}
        </h2>
        <label>
          view{' '}
          <select
            value={method}
            onChange={(e) => setMethod(e.target.value as ProjectionMethod)}
            data-testid="projection-select"
          >
            <option value="native">native (2-D/3-D)</option>
            <option value="pca">PCA</option>
            <option value="umap">UMAP</option>
            <option value="tsne">t-SNE</option>
          </select>
        </label>
        <label>
          colour by{' '}
          <select
            value={key ?? ''}
            onChange={(e) => setColorBy(e.target.value || null)}
            data-testid="color-select"
          >
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        {layout?.elapsedMs !== undefined && (
          <span className="caption">{(layout.elapsedMs / 1000).toFixed(2)} s</span>
        )}
      </div>
      {error && <p role="alert">Projection failed: {error}</p>}
      {layout && snapshot ? (
        <div style={{ position: 'relative' }}>
          <EmbeddingPlot
            coords={layout.coords}
            components={layout.components}
            colorValues={colorValues}
            colorKind={categorical ? 'categorical' : 'continuous'}
            {...(info ? { categoryNames: info.classNames } : {})}
            symbolValues={symbols ?? null}
            {...(biasName && symbols ? { symbolTitle: biasName } : {})}
            {...(key ? { colorTitle: key } : {})}
            sphere={layout.method === 'native'}
            revision={run?.id}
            talk={talk}
            // In talk mode the embedding fills the window below the top bar and its own controls.
            {...(talk ? { height: 'max(300px, calc(100vh - 15em))' } : {})}
            label={`Embedding of ${n} held-out samples at step ${snapshot.step}`}
            onHover={onHover}
          />
          {run && <SampleCard runId={run.id} {...(run.dataset ? { dataset: run.dataset } : {})} />}
        </div>
      ) : (
        <p className="caption">The embedding appears after the first evaluation.</p>
      )}
    </section>
  );
}
