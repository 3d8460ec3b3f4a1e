/**
 * The live loss of the active run as a canvas sparkline: redrawn every progress update for well
 * under a millisecond, so training never waits on the main thread. The full Plotly loss curve
 * (every run, smoothing, export) redraws at evaluations, pauses and the end of a run.
 */
import { useEffect, useRef } from 'react';
import { useStore } from './storeContext';
import { selectActiveRun } from '../state/store';

export function LiveLoss({ talk = false }: { talk?: boolean }) {
  const curve = useStore((s) => selectActiveRun(s)?.lossCurve);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const last = curve?.at(-1);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const points = (curve ?? []).filter((p) => Number.isFinite(p.loss));
    if (points.length < 2) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      lo = Math.min(lo, p.loss);
      hi = Math.max(hi, p.loss);
    }
    const span = hi - lo || 1;
    const first = points[0]!.step;
    const steps = points.at(-1)!.step - first || 1;
    ctx.strokeStyle = talk ? '#56b4e9' : '#0072b2';
    ctx.lineWidth = talk ? 3 : 1.5;
    ctx.beginPath();
    points.forEach((p, i) => {
      const x = ((p.step - first) / steps) * (width - 4) + 2;
      const y = height - 2 - ((p.loss - lo) / span) * (height - 4);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }, [curve, talk]);

  return (
    <div className="row" aria-label="Live loss">
      <canvas
        ref={canvasRef}
        width={240}
        height={talk ? 48 : 32}
        role="img"
        aria-label="live loss of the active run"
      />
      <span data-testid="live-loss">
        {last ? `loss ${last.loss.toFixed(4)} at step ${last.step}` : ''}
      </span>
    </div>
  );
}
