import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { StoreContext, ControllerContext } from './components/storeContext';
import { createStore } from './state/store';
import { PlaygroundController } from './state/controller';
import { configFromHash, configToHash } from './state/urlState';
import { createTrainingWorker } from './worker/client';
import { createPlaygroundApi } from './scripting';
import { parseTrainingConfig } from './contracts/trainingConfig';
import { PRESETS } from './presets';
import type { BackendRequest } from './contracts/backend';
import './styles.css';

const defaults = parseTrainingConfig(PRESETS[0]!.config);
const fromUrl = configFromHash(location.hash);
const store = createStore(fromUrl.kind === 'ok' ? fromUrl.config : defaults);
if (fromUrl.kind === 'invalid') store.getState().setConfigMessage(fromUrl.message);

// `?backend=wasm|webgpu|webgl|cpu` forces a backend (tests, comparisons); the default ladder picks one.
const requested = new URLSearchParams(location.search).get('backend');
const backend: BackendRequest =
  (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((b) => b === requested) ?? 'auto';

const controller = new PlaygroundController(store, createTrainingWorker(), backend);
window.playground = createPlaygroundApi(controller);

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

// Load the default run right away so the first plot comes without a click.
controller.startRun(store.getState().config);

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');
createRoot(rootElement).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <ControllerContext.Provider value={controller}>
        <App />
      </ControllerContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);
