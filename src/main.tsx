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
import { provideProjectionClient, warmProjectionWorker } from './state/projectionWorker';
import { createProjectionClient } from './worker/projectionClient';
import { createTrainingWorker } from './worker/client';
import { createPlaygroundApi } from './scripting';
import { openPlotlyGate } from './plots/plotlyLoader';
import { gateConfig, setDatasetCheck } from './contracts/configGate';
import { PRESETS } from './presets';
import type { BackendRequest } from './contracts/backend';
import './styles.css';

/** Plotly loads at the latest this long after start-up, first picture or not. */
const PLOTLY_FALLBACK_MS = 6000;

const defaults = gateConfig(PRESETS[0]!.config);
const fromUrl = configFromHash(location.hash);
const store = createStore(fromUrl.kind === 'ok' ? fromUrl.config : defaults);
if (fromUrl.kind === 'invalid') store.getState().setConfigMessage(fromUrl.message);
if (fromUrl.kind === 'ok' && fromUrl.notice) store.getState().setConfigMessage(fromUrl.notice);

// The data sets' parameter schemas come with the data code (the UI chunk needs it too), after the
// first run has started: from then on every config is checked against them when it is set. The
// config the page started with is checked now; the worker would refuse it with the same message.
void import('./data/paramsCheck').then(({ checkDatasetParams }) => {
  setDatasetCheck(checkDatasetParams);
  try {
    gateConfig(store.getState().config);
  } catch (error) {
    store
      .getState()
      .setConfigMessage(
        `The link’s data set is not valid (${(error as Error).message}); the defaults are shown instead.`,
      );
    store.getState().setConfig(defaults);
  }
});

// `?backend=wasm|webgpu|webgl|cpu` forces a backend (tests, comparisons); the default ladder picks one.
const requested = new URLSearchParams(location.search).get('backend');
const backend: BackendRequest =
  (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((b) => b === requested) ?? 'auto';

const controller = new PlaygroundController(store, createTrainingWorker(), backend);
// A scene's arms train in workers of their own, made when a scene starts.
const scenes = new SceneRunner(store, createTrainingWorker, controller, backend);
window.playground = createPlaygroundApi(controller, scenes);
// Browser tests (test/browser/reliability.test.ts) reach the store with `?testHooks=1`, to put a
// state in it that the config gate would refuse (as a bug would) and check the error boundaries.
if (new URLSearchParams(location.search).has('testHooks'))
  (window as unknown as { __playgroundStore: typeof store }).__playgroundStore = store;

// Runs saved in this browser come back paused, beside the new one; every run is saved as it trains.
// A chunk of its own, off the way to the first plot (the first run has started by then).
void import('./state/persistence')
  .then(({ idbKeyValueStore, RunPersistence }) => {
    const persistence = new RunPersistence(
      store,
      idbKeyValueStore(),
      (saved) => store.getState().setSavedRuns(saved),
      undefined,
      (runId) => controller.fetchWeights(runId),
      (runId, saved) => controller.setResumable(runId, saved),
    );
    controller.persistence = persistence;
    persistence.start();
    addEventListener('pagehide', () => void persistence.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void persistence.flush();
    });
    return persistence.restore();
  })
  .then(({ notice }) => {
    if (notice) store.getState().setNotice(notice);
  })
  .catch((error: unknown) =>
    store
      .getState()
      .setNotice(`Runs will not be saved in this browser: ${(error as Error).message}`),
  );

// Leaving while a run trains loses its latest steps: ask, but only then (a listener that is
// always there would also keep the page out of the back/forward cache).
const warnBeforeUnload = (event: BeforeUnloadEvent) => {
  event.preventDefault();
  event.returnValue = '';
};
let warning = false;
store.subscribe((state) => {
  const training = Object.values(state.runs).some((r) => r.status === 'running');
  if (training === warning) return;
  warning = training;
  if (training) addEventListener('beforeunload', warnBeforeUnload);
  else removeEventListener('beforeunload', warnBeforeUnload);
});

// Load the default run right away so the first plot comes without a click.
controller.startRun(store.getState().config);
provideProjectionClient(createProjectionClient);
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
// The data set menu comes from the data registry, loaded beside the UI chunk (the panels never
// import the loaders: docs/ARCHITECTURE.md).
void Promise.all([import('./components/mount'), import('./data')]).then(
  ([{ mount }, { DATASETS }]) =>
    mount(
      rootElement,
      store,
      controller,
      [...DATASETS.values()].map(({ id, title, summary, kind, defaults }) => ({
        id,
        title,
        summary,
        kind,
        defaults,
      })),
      scenes,
    ),
);
