/**
 * The embedding's hover card: the hovered held-out sample, its augmented views (the run's own
 * augmentation, seeded per sample) and its labels and attributes. The controller fetches the
 * sample from the training worker (state/sampleHover.ts); this only draws the store's `hoverCard`.
 */
import { SampleCanvas } from '../plots/SampleCanvas';
import { sampleCaption } from '../plots/model/sampleImage';
import type { DatasetInfo } from '../contracts/dataset';
import { useStore } from './storeContext';

export function SampleCard({ runId, dataset }: { runId: string; dataset?: DatasetInfo }) {
  const card = useStore((s) => s.hoverCard);
  const talk = useStore((s) => s.talkMode);
  if (!card || card.runId !== runId) return null;
  const sample = card.sample;
  const size = talk ? 112 : 72;
  const lines = sample ? sampleCaption(sample, dataset) : [];
  const channelNote =
    sample && sample.channels !== 1 && sample.channels !== 3
      ? `channels side by side${dataset?.channelNames ? `: ${dataset.channelNames.join(', ')}` : ''}`
      : null;
  return (
    <aside
      className="sample-card"
      data-testid="sample-card"
      data-status={card.status}
      data-index={card.index}
      aria-live="polite"
      aria-label={`Held-out sample ${card.index}`}
      style={{
        position: 'absolute',
        top: '3em',
        left: '0.75em',
        zIndex: 4,
        pointerEvents: 'none',
        background: 'var(--bg)',
        color: 'var(--fg)',
        border: '1px solid var(--border)',
        borderRadius: 4,
        padding: '0.4em 0.5em',
        boxShadow: '0 2px 8px rgba(0, 0, 0, 0.2)',
        maxWidth: '60%',
        opacity: card.status === 'loading' ? 0.7 : 1,
      }}
    >
      <div style={{ fontWeight: 600, marginBottom: '0.25em' }}>
        sample {card.index}
        {card.status === 'loading' ? ' …' : ''}
      </div>
      {card.status === 'error' && <div role="alert">{card.message}</div>}
      {sample && (
        <>
          <div style={{ display: 'flex', gap: '0.4em', alignItems: 'flex-end', flexWrap: 'wrap' }}>
            <figure style={{ margin: 0, textAlign: 'center' }}>
              <SampleCanvas
                pixels={sample.image}
                height={sample.height}
                width={sample.width}
                channels={sample.channels}
                size={size}
                label={`image of sample ${sample.index}`}
                testId="sample-original"
              />
              <figcaption className="caption">image</figcaption>
            </figure>
            {sample.views.map((view, v) => (
              <figure key={v} style={{ margin: 0, textAlign: 'center' }}>
                <SampleCanvas
                  pixels={view}
                  height={sample.height}
                  width={sample.width}
                  channels={sample.channels}
                  size={size}
                  label={`augmented view ${v + 1} of sample ${sample.index}`}
                  testId="sample-view"
                />
                <figcaption className="caption">view {v + 1}</figcaption>
              </figure>
            ))}
          </div>
          {channelNote && <div className="caption">{channelNote}</div>}
          <div className="caption" data-testid="sample-facts">
            {lines.join(' · ')}
          </div>
        </>
      )}
    </aside>
  );
}
