/**
 * The training worker's transport: which arrays of an event are transferred, and the first command
 * riding in the worker's name. The messages themselves are contracts/protocol.ts.
 */
import type { WorkerCommand, WorkerEvent } from '../contracts/protocol';

/** The typed arrays of an event, to pass as the transfer list of postMessage. */
export function transferablesOf(event: WorkerEvent): Transferable[] {
  const buffers: Transferable[] = [];
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !buffers.includes(a.buffer)) buffers.push(a.buffer);
  };
  if (event.type === 'evaluation') {
    const s = event.snapshot;
    add(s.projection);
    add(s.salient);
    if (s.histograms) {
      const h = s.histograms;
      [h.edges, h.positive, h.negative].forEach(add);
      if (h.byBias) Object.values(h.byBias).forEach(add);
    }
  }
  if (event.type === 'sample' && event.sample) {
    add(event.sample.image);
    event.sample.views.forEach(add);
  }
  if (event.type === 'export-data') {
    const p = event.payload;
    if (p)
      for (const split of [p.dataset.train, p.dataset.test]) {
        add(split.images);
        [split.labels, split.attributes, split.flags].forEach((r) => Object.values(r).forEach(add));
      }
    p?.weights?.tensors.forEach((t) => add(t.data));
  }
  if (event.type === 'weights') event.weights?.tensors.forEach((t) => add(t.data));
  if (event.type === 'ready') {
    const l = event.snapshotLabels;
    [...Object.values(l.labels), ...Object.values(l.attributes), ...Object.values(l.flags)].forEach(
      add,
    );
  }
  return buffers;
}

/**
 * The first command may travel in the worker's `name` (`new Worker(url, {name})`), so the worker
 * starts loading as soon as its script runs, without waiting for the page's main thread to hand a
 * queued message over. Only a `start` command is accepted this way.
 */
const BOOT_PREFIX = 'training-worker:';

export function bootName(command: WorkerCommand): string {
  return `${BOOT_PREFIX}${JSON.stringify(command)}`;
}

export function bootCommandFromName(name: string | undefined): WorkerCommand | null {
  name = withoutThreads(name);
  if (!name?.startsWith(BOOT_PREFIX)) return null;
  // Files and weights cannot travel in a name; such a start is always posted (client.ts).
  try {
    const command = JSON.parse(name.slice(BOOT_PREFIX.length)) as WorkerCommand;
    return command && command.type === 'start' && typeof command.runId === 'string'
      ? command
      : null;
  } catch {
    return null;
  }
}

/**
 * A worker may be asked to use fewer WASM threads than there are cores, when other workers train
 * beside it (a scene's arms): `threads=N;` before the rest of its name. The count must be known
 * before the WASM backend starts, so it cannot wait for a message.
 */
const THREADS = /^threads=(\d+);/;

export function withWasmThreads(name: string, threads: number | undefined): string {
  // Anything but a count leaves the name alone (every core), rather than a prefix nobody strips.
  return threads === undefined || !Number.isFinite(threads)
    ? name
    : `threads=${Math.max(1, Math.floor(threads))};${name}`;
}

export function wasmThreadsFromName(name: string | undefined): number | undefined {
  const match = name?.match(THREADS);
  return match ? Math.max(1, Number(match[1])) : undefined;
}

function withoutThreads(name: string | undefined): string | undefined {
  return name?.replace(THREADS, '');
}
