/** Presets as guided scenes: each sets the configuration, shows what to look for, and runs. */
import { PRESETS } from '../presets';
import { gateConfig } from '../contracts/configGate';
import { useController, useStore } from './storeContext';

export function usePresetLauncher() {
  const controller = useController();
  const setConfig = useStore((s) => s.setConfig);
  const setMessage = useStore((s) => s.setConfigMessage);
  return (index: number) => {
    const preset = PRESETS[index];
    if (!preset) return;
    try {
      const config = gateConfig(preset.config);
      setConfig(config, preset.id);
      setMessage(null);
      controller.startRun(config, preset.title);
      controller.play();
    } catch (error) {
      setMessage(`Preset '${preset.id}' is invalid: ${(error as Error).message}`);
    }
  };
}

export function PresetBar() {
  const launch = usePresetLauncher();
  const presetId = useStore((s) => s.presetId);
  const preset = PRESETS.find((p) => p.id === presetId);
  return (
    <section aria-label="Guided scenes">
      <div className="row">
        <label htmlFor="preset-select">Scene</label>
        <select
          id="preset-select"
          value={presetId ?? ''}
          onChange={(e) => launch(PRESETS.findIndex((p) => p.id === e.target.value))}
          data-testid="preset-select"
        >
          <option value="">choose a scene…</option>
          {PRESETS.map((p, i) => (
            <option key={p.id} value={p.id}>
              {i + 1}. {p.title}
            </option>
          ))}
        </select>
      </div>
      {preset && (
        <p className="caption" data-testid="preset-caption">
          {preset.caption}
        </p>
      )}
    </section>
  );
}
