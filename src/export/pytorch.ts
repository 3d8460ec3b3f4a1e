/**
 * The PyTorch export (pytorch/EXPORT_FORMAT.md, format `cplay-export/1`) as a map of file paths to
 * bytes. Free of TF.js, the engine and Node: the CLI (src/cli/exportPytorch.ts) writes the map to a
 * folder, the page zips it. Both hand it the same payload (what the engine computed: the config as
 * it runs, the effective loss parameters, the materialised data set, the weights) and the same
 * Python sources, so the two exports hold the same bytes except `run.json`'s `source`.
 */
import type { TrainingConfig } from '../contracts/trainingConfig';
import type { ExportPayload } from '../contracts/protocol';
import type { DataSplit, DatasetInfo } from '../contracts/dataset';
import { encodeNpy } from './npy';

export const EXPORT_FORMAT = 'cplay-export/1';

export type { ExportPayload, ExportTensor } from '../contracts/protocol';

export interface ExportSource {
  preset: string | null;
  commit: string | null;
  exportedAt: string;
  from: 'preset' | 'config' | 'run' | 'page';
}

/**
 * The files copied verbatim: `train.py`, `check_vectors.py`, `cplay/**`, `vectors/public/*.json`,
 * `vectors/extra/*.json`, keyed by their path in the export.
 */
export type ExportSources = Record<string, Uint8Array>;

export type FileMap = Record<string, Uint8Array>;

const encoder = new TextEncoder();
const text = (s: string) => encoder.encode(s);
const json = (value: unknown) => text(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The PyTorch `state_dict` keys of the model's parameters, in the order of the TS variables
 * (`Encoder.variables`: trunk layers, then the two head layers; weight before bias), with SepCLR's
 * salient encoder after the main one.
 */
export function weightNames(config: TrainingConfig): string[] {
  const names = (prefix: string, encoderConfig: TrainingConfig['encoder']) => {
    const trunk =
      encoderConfig.name === 'mlp'
        ? encoderConfig.hidden.map((_, i) => `${prefix}.trunk.${i}`)
        : [...encoderConfig.channels.map((_, i) => `${prefix}.convs.${i}`), `${prefix}.dense`];
    return [...trunk, `${prefix}.head.0`, `${prefix}.head.1`].flatMap((layer) => [
      `${layer}.weight`,
      `${layer}.bias`,
    ]);
  };
  const main = names('encoder', config.encoder);
  if (config.loss.name !== 'sepclr') return main;
  return [...main, ...names('salient', config.salientEncoder ?? config.encoder)];
}

/** Every value is k/255 for an integer k (as float32): the images then travel as uint8. */
function asBytes(values: Float32Array): Uint8Array | null {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const k = Math.round(v * 255);
    if (k < 0 || k > 255 || Math.fround(k / 255) !== v) return null;
    out[i] = k;
  }
  return out;
}

/** A file-name-safe, unique stem for a label or attribute name (user CSV columns can be anything). */
function stems(names: string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    const base = name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_') || '_';
    let stem = base;
    for (let i = 2; used.has(stem.toLowerCase()); i++) stem = `${base}_${i}`;
    used.add(stem.toLowerCase());
    out.set(name, stem);
  }
  return out;
}

function splitFiles(
  files: FileMap,
  split: 'train' | 'test',
  data: DataSplit,
  info: DatasetInfo,
): Record<string, unknown> {
  const { height, width, channels } = info.imageShape;
  const pixels = height * width * channels;
  if (data.images.length !== data.n * pixels)
    throw new Error(
      `the ${split} split holds ${data.images.length} values, not ${data.n} × ${height}×${width}×${channels}`,
    );
  const x = `data/${split}/x.npy`;
  files[x] = encodeNpy(asBytes(data.images) ?? data.images, [data.n, height, width, channels]);
  const group = <T extends Int32Array | Float32Array | Uint8Array>(
    kind: 'labels' | 'attributes' | 'flags',
    record: Record<string, T>,
  ) => {
    const names = Object.keys(record);
    const stem = stems(names);
    const out: Record<string, string> = {};
    for (const name of names) {
      const values = record[name]!;
      if (values.length !== data.n)
        throw new Error(`${split} ${kind} '${name}' has ${values.length} values, not ${data.n}`);
      const path = `data/${split}/${kind}/${stem.get(name)}.npy`;
      files[path] = encodeNpy(values, [data.n]);
      out[name] = path;
    }
    return out;
  };
  return {
    n: data.n,
    x,
    labels: group('labels', data.labels),
    attributes: group('attributes', data.attributes),
    flags: group('flags', data.flags),
  };
}

/** The export as files: sources, run.json, data/, weights/ and the generated README.md. */
export function buildPytorchExport(
  payload: ExportPayload,
  sources: ExportSources,
  source: ExportSource,
): FileMap {
  for (const required of ['train.py', 'check_vectors.py', 'cplay/__init__.py'])
    if (!sources[required]) throw new Error(`the export's Python sources lack ${required}`);
  const files: FileMap = {};
  for (const path of Object.keys(sources).sort()) files[path] = sources[path]!;

  const { info, config: datasetConfig, train, test } = payload.dataset;
  const splits = {
    train: splitFiles(files, 'train', train, info),
    test: splitFiles(files, 'test', test, info),
  };
  files['data/dataset.json'] = json({ info, config: datasetConfig, splits });

  let weights: { step: number; index: string } | null = null;
  if (payload.weights) {
    const names = weightNames(payload.config);
    const tensors = payload.weights.tensors;
    if (tensors.length !== names.length)
      throw new Error(
        `the run has ${tensors.length} weight tensors; this config's model has ${names.length}`,
      );
    const index = tensors.map((t, i) => {
      const file = `weights/${String(i).padStart(3, '0')}.npy`;
      files[file] = encodeNpy(t.data, t.shape);
      return { name: names[i]!, shape: t.shape, file };
    });
    files['weights/weights.json'] = json({ step: payload.weights.step, tensors: index });
    weights = { step: payload.weights.step, index: 'weights/weights.json' };
  }

  files['run.json'] = json({
    format: EXPORT_FORMAT,
    config: payload.config,
    lossParams: payload.lossParams,
    lossStyle: payload.lossStyle,
    source,
    weights,
  });
  files['README.md'] = text(exportReadme(payload, source, weights));
  return files;
}

function exportReadme(
  payload: ExportPayload,
  source: ExportSource,
  weights: { step: number } | null,
): string {
  const c = payload.config;
  const what = source.preset ? `preset \`${source.preset}\`` : `a ${source.from} config`;
  const reg = c.regularizer ? ` + ${c.regularizer.name} (weight ${c.regularizer.weight})` : '';
  const { train, test, info } = payload.dataset;
  const shape = info.imageShape;
  return `# ${c.loss.name}${reg} on ${info.id}: a Contrastive Playground run in PyTorch

Exported from the Contrastive Playground (${what}${source.commit ? `, commit \`${source.commit}\`` : ''}, ${source.exportedAt}).
\`run.json\` holds what to train: the config as the playground's engine ran it (defaults filled
in), the loss's effective parameters (\`lossParams\`) and how the loss takes its inputs
(\`lossStyle\`: ${payload.lossStyle}). \`data/\` holds the data set exactly as the playground loaded it
(${train.n} training and ${test.n} held-out samples of ${shape.height}×${shape.width}×${shape.channels}).
${weights ? `\`weights/\` holds the run's weights after ${weights.step} steps.` : 'No weights: training starts from the seeded initialisation.'}
The layout is described in \`EXPORT_FORMAT.md\` of the playground's \`pytorch/\` folder.

Needs Python 3 with PyTorch (1.13 or later), torchvision and scikit-learn; nothing is downloaded.

## Check the losses first

\`\`\`sh
python3 check_vectors.py vectors/public vectors/extra   # prints "N passed, M failed"
\`\`\`

## Train on one GPU (or the CPU)

\`\`\`sh
python3 train.py --device cuda --out metrics.json          # the run as configured (${c.steps} steps, batch ${c.batchSize})
python3 train.py --steps 50 --device cpu --out metrics.json    # a short check on the CPU
\`\`\`

Options: \`--steps N\`, \`--eval-every K\`, \`--seed S\`, \`--device cpu|cuda\`, \`--data-dir D\` (a
full-size data set in a local folder: torchvision's MNIST, Fashion-MNIST or CIFAR-10 layout, an
ImageFolder, or the playground's user-data CSV), \`--arch as-exported|resnet18\`, \`--out FILE\`
(the headless runner's JSON: \`{config, backend, history, final, timing}\`).

## Train on K GPUs of one machine (DistributedDataParallel)

\`\`\`sh
torchrun --standalone --nproc_per_node K train.py --device cuda --out metrics.json
\`\`\`

\`batchSize\` stays the global batch: each of the K ranks takes \`batchSize / K\` samples, and the
embeddings (with their labels and attributes) are gathered across ranks, so every anchor sees the
negatives of the whole batch, as on one GPU.

## Train on a SLURM cluster

\`\`\`sh
#!/bin/bash
#SBATCH --job-name=cplay
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=16
#SBATCH --time=02:00:00

export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_PORT=29500
srun torchrun --nnodes "$SLURM_NNODES" --nproc_per_node 4 \\
  --rdzv_id "$SLURM_JOB_ID" --rdzv_backend c10d --rdzv_endpoint "$MASTER_ADDR:$MASTER_PORT" \\
  train.py --device cuda --out metrics.json
\`\`\`

Any launcher that sets the \`env://\` variables (\`RANK\`, \`WORLD_SIZE\`, \`LOCAL_RANK\`,
\`MASTER_ADDR\`, \`MASTER_PORT\`) works the same way: nccl on GPUs, gloo on CPUs.
`;
}
