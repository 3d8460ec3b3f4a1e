import { describe, expect, it } from 'vitest';
import { FrameQueue, PlotScheduler, setGlobalPlotInterval } from '../../../src/plots/scheduler';

function harness({ budgetMs = 8, drawMs = 0 } = {}) {
  const frames: (() => void)[] = [];
  const clock = { t: 0 };
  const queue = new FrameQueue({
    requestFrame: (cb) => frames.push(cb),
    cancelFrame: (id) => {
      frames[id - 1] = () => {};
    },
    now: () => clock.t,
    budgetMs,
  });
  const drawn: string[] = [];
  const make = (name: string, minIntervalMs = 0, priority = false) => {
    let resizes = 0;
    let release: (() => void) | null = null;
    let slow = false;
    const s = new PlotScheduler<number>(
      (job) => {
        drawn.push(`${name}${job}`);
        clock.t += drawMs;
        if (slow) return new Promise<void>((r) => (release = r));
        return undefined;
      },
      {
        minIntervalMs: () => minIntervalMs,
        queue,
        now: () => clock.t,
        resize: () => resizes++,
        priority,
      },
    );
    return {
      s,
      get resizes() {
        return resizes;
      },
      setSlow: (v: boolean) => (slow = v),
      release: () => release?.(),
    };
  };
  const tick = async (ms = 16) => {
    clock.t += ms;
    const pending = frames.splice(0);
    for (const f of pending) f();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { make, drawn, tick, frames, queue };
}

describe('PlotScheduler', () => {
  it('draws only the latest figure, once', async () => {
    const h = harness();
    const a = h.make('a');
    a.s.update(1);
    a.s.update(2);
    a.s.update(3);
    expect(h.frames).toHaveLength(1);
    await h.tick();
    expect(h.drawn).toEqual(['a3']);
    await h.tick();
    expect(h.drawn).toEqual(['a3']);
  });

  it('never draws twice at once, and catches up after a slow draw', async () => {
    const h = harness();
    const a = h.make('a');
    a.setSlow(true);
    a.s.update(1);
    await h.tick();
    a.s.update(2);
    a.s.update(3);
    await h.tick();
    expect(h.drawn).toEqual(['a1']);
    a.setSlow(false);
    a.release();
    await h.tick();
    await h.tick();
    expect(h.drawn).toEqual(['a1', 'a3']);
  });

  it('respects a minimum interval between draws', async () => {
    const h = harness();
    const a = h.make('a', 100);
    a.s.update(1);
    await h.tick(16);
    a.s.update(2);
    await h.tick(16);
    await h.tick(16);
    expect(h.drawn).toEqual(['a1']);
    for (let i = 0; i < 5; i++) await h.tick(16);
    expect(h.drawn).toEqual(['a1', 'a2']);
  });

  it('resizes only after the first draw, and stops after dispose', async () => {
    const h = harness();
    const a = h.make('a');
    a.s.resize();
    await h.tick();
    expect(a.resizes).toBe(0);
    a.s.update(1);
    await h.tick();
    expect(a.resizes).toBe(0); // the draw served the earlier request
    a.s.resize();
    await h.tick();
    expect(a.resizes).toBe(1);
    a.s.update(2);
    a.s.dispose();
    await h.tick();
    expect(h.drawn).toEqual(['a1']);
    a.s.update(3);
    expect(h.queue.size).toBe(0);
  });
});

describe('FrameQueue', () => {
  it('draws every plot in one frame when draws are fast', async () => {
    const h = harness({ drawMs: 1 });
    const plots = ['a', 'b', 'c'].map((n) => h.make(n));
    plots.forEach((p, i) => p.s.update(i));
    expect(h.frames).toHaveLength(1);
    await h.tick();
    expect(h.drawn).toEqual(['a0', 'b1', 'c2']);
  });

  it('spreads slow draws over frames, one per frame, oldest first', async () => {
    const h = harness({ drawMs: 50 });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => h.make(n));
    a!.s.update(1);
    b!.s.update(1);
    c!.s.update(1);
    await h.tick();
    expect(h.drawn).toEqual(['a1']);
    a!.s.update(2); // a asks again: it waits behind b and c
    await h.tick();
    expect(h.drawn).toEqual(['a1', 'b1']);
    await h.tick();
    await h.tick();
    expect(h.drawn).toEqual(['a1', 'b1', 'c1', 'a2']);
    await h.tick();
    expect(h.frames).toHaveLength(0);
  });

  it('draws a priority plot (the embedding) ahead of the plots already waiting', async () => {
    const h = harness({ drawMs: 50 });
    const [a, b] = ['a', 'b'].map((n) => h.make(n));
    const e = h.make('e', 0, true);
    a!.s.update(1);
    b!.s.update(1);
    e.s.update(1);
    await h.tick();
    expect(h.drawn).toEqual(['e1']);
    await h.tick();
    await h.tick();
    expect(h.drawn).toEqual(['e1', 'a1', 'b1']);
  });
});

describe('visibility and the global interval', () => {
  it('draws once off-screen, then waits until the plot is seen again', async () => {
    const h = harness();
    const a = h.make('a');
    a.s.setVisible(false);
    a.s.update(1);
    await h.tick();
    expect(h.drawn).toEqual(['a1']);
    a.s.update(2);
    await h.tick();
    await h.tick();
    expect(h.drawn).toEqual(['a1']);
    a.s.setVisible(true);
    await h.tick();
    expect(h.drawn).toEqual(['a1', 'a2']);
  });

  it('applies the global floor on the redraw interval', async () => {
    const h = harness();
    const a = h.make('a');
    setGlobalPlotInterval(100);
    try {
      a.s.update(1);
      await h.tick(16);
      a.s.update(2);
      await h.tick(16);
      expect(h.drawn).toEqual(['a1']);
      for (let i = 0; i < 6; i++) await h.tick(16);
      expect(h.drawn).toEqual(['a1', 'a2']);
    } finally {
      setGlobalPlotInterval(0);
    }
  });
});
