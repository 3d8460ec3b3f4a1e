/**
 * The configuration editor: data set, positives, loss and its parameters, kernel, encoder and
 * training hyperparameters. Every edit is validated; an invalid one is shown, never applied.
 */
import { useId, useState, type ReactNode } from 'react';
import { useDatasetMenu, useStore } from './storeContext';
import { selectConfig } from '../state/store';
import type { TrainingConfig } from '../contracts/trainingConfig';
import { gateConfig } from '../contracts/configGate';
import { listTrainable, paramFields, type ParamField } from '../ml/losses/catalog';
import { isUserDataset } from '../contracts/datasets';
import { suggestedCsv } from '../state/uploads';
import { selectUploads } from '../state/store';
import { DataProblems, UploadField } from './UploadField';
import { DataCard } from './DataCard';

/** Loss parameters that the config sets elsewhere (views, kernel section). */
const OVERRIDDEN = new Set(['n_views', 'contrast_mode']);

function Field({
  label,
  children,
  hint,
}: {
  label: string;
  children: (id: string) => ReactNode;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field" title={hint}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** A number field; a nullable one shows null as empty ("unset"), and emptying it sets null. */
function NumberInput({
  id,
  value,
  onChange,
  step = 'any',
  min,
  onNull,
}: {
  id: string;
  value: number | null;
  onChange(v: number): void;
  step?: string;
  min?: number;
  /** For a nullable field: an emptied field means null. */
  onNull?: () => void;
}) {
  const asText = (v: number | null) => (v === null ? '' : String(v));
  const [text, setText] = useState(asText(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(asText(value));
  }
  return (
    <input
      id={id}
      type="number"
      step={step}
      min={min}
      value={text}
      placeholder={onNull ? 'unset' : undefined}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value === '') onNull?.();
        else if (Number.isFinite(v)) onChange(v);
      }}
    />
  );
}

/** A text field that keeps what is typed while the configuration rejects it (e.g. half a number). */
function TextInput({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange(v: string): void;
}) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  return (
    <input
      id={id}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value);
      }}
    />
  );
}

export function ControlsPanel() {
  const config = useStore(selectConfig);
  const setConfig = useStore((s) => s.setConfig);
  const setMessage = useStore((s) => s.setConfigMessage);
  const message = useStore((s) => s.configMessage);

  const apply = (next: Record<string, unknown>) => {
    try {
      setConfig(gateConfig(next));
      setMessage(null);
    } catch (error) {
      setMessage((error as Error).message);
    }
  };
  const update = (patch: Partial<Record<keyof TrainingConfig, unknown>>) =>
    apply({ ...config, ...patch });
  const lossParams = paramFields(config.loss.name).filter((f) => !OVERRIDDEN.has(f.key));
  const setLossParam = (key: string, value: unknown) =>
    update({ loss: { ...config.loss, [key]: value } });
  const datasets = useDatasetMenu();
  const dataset = datasets.find((d) => d.id === config.dataset.name);
  const uploads = useStore(selectUploads);
  const chooseDataset = (name: string) => {
    // Switching to a user data set reads the CSV among the files already chosen, if one fits.
    const csv =
      uploads && isUserDataset(name)
        ? suggestedCsv(uploads, name, config.dataset['csv'])
        : undefined;
    update({ dataset: { name, ...(csv !== undefined ? { csv } : {}) } });
  };
  const setDatasetParam = (key: string, value: unknown) =>
    update({ dataset: { ...config.dataset, [key]: value } });
  const builtin = datasets.filter((d) => d.kind === 'builtin');
  const own = datasets.filter((d) => d.kind === 'user');

  return (
    <aside className="controls" aria-label="Configuration">
      {message && (
        <p role="alert" className="notice error">
          {message}
        </p>
      )}
      <fieldset>
        <legend>Data</legend>
        <Field label="Data set" hint={dataset?.summary}>
          {(id) => (
            <select
              id={id}
              value={config.dataset.name}
              data-testid="dataset"
              onChange={(e) => chooseDataset(e.target.value)}
            >
              {builtin.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
              <optgroup label="Your data">
                {own.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
              </optgroup>
            </select>
          )}
        </Field>
        {isUserDataset(config.dataset.name) && (
          <UploadField
            csv={config.dataset['csv']}
            imagesWithoutCsv={config.dataset.name === 'user-images'}
            onCsv={(csv) => setDatasetParam('csv', csv)}
          />
        )}
        {Object.entries(dataset?.kind === 'user' ? dataset.defaults : {})
          .filter(([key, v]) => typeof v === 'string' && key !== 'csv')
          .map(([key, v]) => (
            <Field
              key={key}
              label={key}
              hint={v === 'auto' ? "'auto' or a number" : 'a column of the CSV'}
            >
              {(id) => (
                <TextInput
                  id={id}
                  value={String(config.dataset[key] ?? v)}
                  onChange={(value) => {
                    const text = value.trim();
                    if (!text) return;
                    // 'auto' parameters (size, channels) also take a number.
                    const numeric = v === 'auto' && /^\d+$/.test(text);
                    setDatasetParam(key, numeric ? Number(text) : text);
                  }}
                />
              )}
            </Field>
          ))}
        {Object.entries(dataset?.defaults ?? {})
          .filter(([, v]) => Array.isArray(v))
          .map(([key]) => (
            <Field key={key} label={key} hint="comma-separated CSV columns">
              {(id) => (
                <TextInput
                  id={id}
                  value={((config.dataset[key] as string[] | undefined) ?? []).join(', ')}
                  onChange={(value) =>
                    setDatasetParam(
                      key,
                      value
                        .split(',')
                        .map((c) => c.trim())
                        .filter(Boolean),
                    )
                  }
                />
              )}
            </Field>
          ))}
        {Object.entries(dataset?.defaults ?? {})
          .filter(([, v]) => typeof v === 'number')
          .map(([key, v]) => (
            <Field key={key} label={key}>
              {(id) => (
                <NumberInput
                  id={id}
                  value={(config.dataset[key] as number | undefined) ?? (v as number)}
                  onChange={(value) => setDatasetParam(key, value)}
                />
              )}
            </Field>
          ))}
        <Field label="Views">
          {(id) => (
            <NumberInput
              id={id}
              step="1"
              min={1}
              value={config.views}
              onChange={(v) => update({ views: v })}
            />
          )}
        </Field>
        <DataProblems />
        <DataCard />
      </fieldset>

      <fieldset>
        <legend>Positives</legend>
        <Field label="Definition" hint="which pairs count as positives">
          {(id) => (
            <select
              id={id}
              value={config.positives.name}
              onChange={(e) => update({ positives: { ...config.positives, name: e.target.value } })}
            >
              <option value="views">augmentations of one image</option>
              <option value="class">same class</option>
              <option value="kernel">kernel on an attribute</option>
              <option value="threshold">attribute within δ</option>
            </select>
          )}
        </Field>
        {(config.positives.name === 'kernel' ||
          config.positives.name === 'threshold' ||
          config.kernel) && (
          <Field label="Attribute(s)" hint="comma-separated attribute names, e.g. age">
            {(id) => (
              <input
                id={id}
                value={
                  Array.isArray(config.positives.attribute)
                    ? config.positives.attribute.join(', ')
                    : (config.positives.attribute ?? '')
                }
                onChange={(e) => {
                  const names = e.target.value
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean);
                  update({
                    positives: {
                      ...config.positives,
                      attribute: names.length > 1 ? names : names[0],
                    },
                  });
                }}
              />
            )}
          </Field>
        )}
        {config.positives.name === 'threshold' && (
          <Field label="δ">
            {(id) => (
              <NumberInput
                id={id}
                value={config.positives.delta ?? 5}
                onChange={(v) => update({ positives: { ...config.positives, delta: v } })}
              />
            )}
          </Field>
        )}
        <Field label="Kernel">
          {(id) => (
            <select
              id={id}
              value={config.kernel?.name ?? ''}
              onChange={(e) =>
                update({
                  kernel: e.target.value
                    ? { name: e.target.value, sigma: config.kernel?.sigma ?? 1 }
                    : undefined,
                })
              }
            >
              <option value="">none</option>
              <option value="rbf">RBF</option>
              <option value="gaussian">Gaussian density</option>
              <option value="cauchy">Cauchy</option>
              <option value="cosine">cosine</option>
            </select>
          )}
        </Field>
        {config.kernel && config.kernel.name !== 'cosine' && (
          <Field label="σ">
            {(id) => (
              <NumberInput
                id={id}
                value={config.kernel?.sigma ?? 1}
                onChange={(v) => update({ kernel: { ...config.kernel!, sigma: v } })}
              />
            )}
          </Field>
        )}
      </fieldset>

      <fieldset>
        <legend>Loss</legend>
        <Field label="Loss">
          {(id) => (
            <select
              id={id}
              value={config.loss.name}
              onChange={(e) => update({ loss: { name: e.target.value } })}
            >
              {listTrainable().map((l) => (
                <option key={l.id} value={l.id} title={l.description}>
                  {l.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        {lossParams.map((field) => (
          <ParamInput
            key={field.key}
            field={field}
            value={config.loss[field.key]}
            onChange={(v) => setLossParam(field.key, v)}
          />
        ))}
        <Field
          label="FairKL weight"
          hint="adds the FairKL debiasing regulariser (needs a bias label)"
        >
          {(id) => (
            <NumberInput
              id={id}
              min={0}
              value={config.regularizer?.weight ?? 0}
              onChange={(v) =>
                update({ regularizer: v > 0 ? { name: 'fairkl', weight: v } : undefined })
              }
            />
          )}
        </Field>
      </fieldset>

      <fieldset>
        <legend>Encoder and training</legend>
        <Field label="Encoder">
          {(id) => (
            <select
              id={id}
              value={config.encoder.name}
              onChange={(e) => update({ encoder: { name: e.target.value } })}
            >
              <option value="mlp">MLP</option>
              <option value="cnn">small CNN</option>
            </select>
          )}
        </Field>
        <Field label="Embedding dim" hint="2 or 3 show the circle or the sphere itself">
          {(id) => (
            <NumberInput
              id={id}
              step="1"
              min={2}
              value={config.embeddingDim}
              onChange={(v) => update({ embeddingDim: v })}
            />
          )}
        </Field>
        <Field label="Batch size">
          {(id) => (
            <NumberInput
              id={id}
              step="1"
              min={4}
              value={config.batchSize}
              onChange={(v) => update({ batchSize: v })}
            />
          )}
        </Field>
        <Field label="Optimiser">
          {(id) => (
            <select
              id={id}
              value={config.optimizer.name}
              onChange={(e) => update({ optimizer: { ...config.optimizer, name: e.target.value } })}
            >
              <option value="adam">Adam</option>
              <option value="sgd">SGD (momentum)</option>
            </select>
          )}
        </Field>
        <Field label="Learning rate">
          {(id) => (
            <NumberInput
              id={id}
              value={config.optimizer.lr}
              onChange={(v) => update({ optimizer: { ...config.optimizer, lr: v } })}
            />
          )}
        </Field>
        <Field label="Steps">
          {(id) => (
            <NumberInput
              id={id}
              step="1"
              min={0}
              value={config.steps}
              onChange={(v) => update({ steps: v })}
            />
          )}
        </Field>
        <Field label="Evaluate every">
          {(id) => (
            <NumberInput
              id={id}
              step="1"
              min={1}
              value={config.evalEvery}
              onChange={(v) => update({ evalEvery: v })}
            />
          )}
        </Field>
        <Field label="Seed">
          {(id) => (
            <NumberInput
              id={id}
              step="1"
              min={0}
              value={config.seed}
              onChange={(v) => update({ seed: v })}
            />
          )}
        </Field>
      </fieldset>
    </aside>
  );
}

function ParamInput({
  field,
  value,
  onChange,
}: {
  field: ParamField;
  value: unknown;
  onChange(v: unknown): void;
}) {
  // An explicit null (e.g. lambda unset: 1/√n) is shown as such, not as the default.
  const current = value === undefined ? field.default : value;
  return (
    <Field label={field.key}>
      {(id) =>
        field.kind === 'boolean' ? (
          <input
            id={id}
            type="checkbox"
            checked={Boolean(current)}
            onChange={(e) => onChange(e.target.checked)}
          />
        ) : field.kind === 'choice' ? (
          <select
            id={id}
            value={current === null ? '' : String(current)}
            onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
          >
            {field.nullable && <option value="">none</option>}
            {field.options.map((o) => (
              <option key={String(o)} value={String(o)}>
                {String(o)}
              </option>
            ))}
          </select>
        ) : (
          <NumberInput
            id={id}
            step={field.integer ? '1' : 'any'}
            value={(current as number | null) ?? (field.nullable ? null : 0)}
            onChange={onChange}
            {...(field.nullable ? { onNull: () => onChange(null) } : {})}
          />
        )
      }
    </Field>
  );
}
