/**
 * "About this data set": the active run's data card, from the loader's own description — what is
 * real and what is simulated, source, licence, image shape, labels and attributes, and the
 * parameters and seed in use (so a screenshot or a talk slide says exactly what was trained on).
 */
import { useStore } from './storeContext';
import { selectActiveRun } from '../state/store';

export function DataCard() {
  const info = useStore((s) => selectActiveRun(s)?.dataset);
  if (!info) return null;
  const { height, width, channels } = info.imageShape;
  return (
    <details className="data-card" data-testid="data-card">
      <summary>About this data set</summary>
      <p>
        <strong>{info.title}</strong>
      </p>
      <p>{info.description}</p>
      <dl>
        <dt>Source</dt>
        <dd>{info.source}</dd>
        <dt>Licence</dt>
        <dd>{info.licence}</dd>
        <dt>Images</dt>
        <dd>
          {height}×{width}×{channels}
          {info.channelNames ? ` (${info.channelNames.join('; ')})` : ''}
        </dd>
        {info.labels.length > 0 && (
          <>
            <dt>Labels</dt>
            <dd>
              {info.labels.map((l) => `${l.name} (${l.classNames.length} classes)`).join(', ')}
            </dd>
          </>
        )}
        {info.attributes.length > 0 && (
          <>
            <dt>Attributes</dt>
            <dd>{info.attributes.map((a) => a.name).join(', ')}</dd>
          </>
        )}
        {info.notes && (
          <>
            <dt>Notes</dt>
            <dd>{info.notes}</dd>
          </>
        )}
      </dl>
      {info.params && (
        <>
          <p>Parameters in use (seed included):</p>
          <pre>{JSON.stringify(info.params, null, 1)}</pre>
        </>
      )}
    </details>
  );
}
