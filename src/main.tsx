/**
 * Start-up, in the order that brings the first plot soonest: read the configuration, start the
 * training worker on it (its first command travels in its name: worker/client.ts), start the
 * projection worker, then load and render the UI (a chunk of its own). Plotly loads last, after
 * the first embedding picture (plots/plotlyLoader.ts): evaluating it blocks the main thread.
 */
import { createStore } from './state/store';
import { PlaygroundController } from './state/controller';
import { SceneRunner } from './state/sceneRunner';
import { configFromHash, configToHash } from './state/urlState';
import { warmProjectionWorker } from './state/projectionWorker';
import { createTrainingWorker } from './worker/client';
import { createPlaygroundApi } from './scripting';
import { openPlotlyGate } from './plots/plotlyLoader';
import { parseTrainingConfig } from './contracts/trainingConfig';
import { PRESETS } from './presets';
import type { BackendRequest } from './contracts/backend';
import './styles.css';

/** Plotly loads at the latest this long after start-up, first picture or not. */
const PLOTLY_FALLBACK_MS = 6000;

const defaults = parseTrainingConfig(PRESETS[0]!.config);
const fromUrl = configFromHash(location.hash);
const store = createStore(fromUrl.kind === 'ok' ? fromUrl.config : defaults);
if (fromUrl.kind === 'invalid') store.getState().setConfigMessage(fromUrl.message);

// `?backend=wasm|webgpu|webgl|cpu` forces a backend (tests, comparisons); the default ladder picks one.
const requested = new URLSearchParams(location.search).get('backend');
const backend: BackendRequest =
  (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((b) => b === requested) ?? 'auto';

const controller = new PlaygroundController(store, createTrainingWorker(), backend);
// A scene's arms train in workers of their own, made when a scene starts.
const scenes = new SceneRunner(store, createTrainingWorker, controller, backend);
window.playground = createPlaygroundApi(controller, scenes);

// Load the default run right away so the first plot comes without a click.
controller.startRun(store.getState().config);
warmProjectionWorker();

// The config is the only state in the URL; replaceState keeps the history clean while editing.
store.subscribe((state, previous) => {
  if (state.config !== previous.config)
    history.replaceState(
      null,
      '',
      `${location.pathname}${location.search}${configToHash(state.config)}`,
    );
});
if (fromUrl.kind !== 'invalid')
  history.replaceState(
    null,
    '',
    `${location.pathname}${location.search}${configToHash(store.getState().config)}`,
  );

// Without a first picture (a failed run, a slow machine), Plotly loads anyway.
setTimeout(openPlotlyGate, PLOTLY_FALLBACK_MS);
const unsubscribe = store.subscribe((state) => {
  if (Object.values(state.runs).some((r) => r.status === 'error')) {
    openPlotlyGate();
    unsubscribe();
  }
});

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');
void import('./components/mount').then(({ mount }) =>
  mount(rootElement, store, controller, scenes),
);
