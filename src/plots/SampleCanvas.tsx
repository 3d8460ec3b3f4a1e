/**
 * One data set image on a canvas at its own resolution, scaled up by CSS with crisp pixels
 * (1 channel grey, 3 RGB, other counts channel by channel side by side: model/sampleImage.ts).
 */
import { useEffect, useMemo, useRef } from 'react';
import { imageToRgba } from './model/sampleImage';

export interface SampleCanvasProps {
  pixels: Float32Array;
  height: number;
  width: number;
  channels: number;
  /** CSS height in pixels (the width follows the aspect ratio). */
  size?: number;
  label: string;
  testId?: string;
}

export function SampleCanvas({
  pixels,
  height,
  width,
  channels,
  size = 72,
  label,
  testId,
}: SampleCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const rgba = useMemo(
    () => imageToRgba(pixels, height, width, channels),
    [pixels, height, width, channels],
  );
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = rgba.width;
    canvas.height = rgba.height;
    ctx.putImageData(new ImageData(rgba.data, rgba.width, rgba.height), 0, 0);
  }, [rgba]);
  return (
    <canvas
      ref={ref}
      role="img"
      aria-label={label}
      data-testid={testId}
      width={rgba.width}
      height={rgba.height}
      style={{
        height: size,
        width: (size * rgba.width) / rgba.height,
        imageRendering: 'pixelated',
        border: '1px solid var(--border)',
        background: '#000',
      }}
    />
  );
}
