/**
 * The embedding's first picture on a plain canvas, shown until Plotly has loaded and drawn the
 * real figure (plotlyLoader.ts): the same points, ranges and colours, no axes or legend. Calls
 * `onDrawn` once the points are on screen.
 */
import { useEffect, useRef } from 'react';
import { previewGroups } from './model/embeddingPreview';
import type { EmbeddingInput, EmbeddingRanges } from './model/embedding';

export interface EmbeddingPreviewProps {
  input: Pick<
    EmbeddingInput,
    'coords' | 'components' | 'colorValues' | 'colorKind' | 'categoryNames'
  >;
  ranges: EmbeddingRanges;
  radius?: number;
  label: string;
  onDrawn?(): void;
}

export function EmbeddingPreview({
  input,
  ranges,
  radius = 3,
  label,
  onDrawn,
}: EmbeddingPreviewProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawnCallback = useRef(onDrawn);
  useEffect(() => {
    drawnCallback.current = onDrawn;
  });
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const width = canvas.clientWidth || 400;
    const height = canvas.clientHeight || 300;
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.globalAlpha = 0.8;
    for (const g of previewGroups(input, ranges, width, height, 40)) {
      ctx.fillStyle = g.color;
      ctx.beginPath();
      for (let j = 0; j < g.xs.length; j++) {
        ctx.moveTo(g.xs[j]! + radius, g.ys[j]!);
        ctx.arc(g.xs[j]!, g.ys[j]!, radius, 0, 2 * Math.PI);
      }
      ctx.fill();
    }
    // Seen once the browser has painted it.
    const frame = requestAnimationFrame(() => drawnCallback.current?.());
    return () => cancelAnimationFrame(frame);
  }, [input, ranges, radius]);
  return (
    <canvas
      ref={ref}
      className="embedding-preview"
      data-testid="embedding-preview"
      role="img"
      aria-label={`${label} (preview while the plotting library loads)`}
      style={{ position: 'absolute', inset: 0, width: '100%', height: '100%' }}
    />
  );
}
