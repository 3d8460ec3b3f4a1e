/**
 * Renders the playground into `root`. A chunk of its own (React, the panels, KaTeX), loaded by
 * main.tsx after the training worker has been started, so the worker's start does not wait for it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './ErrorBoundary';
import { StoreContext, ControllerContext, SceneRunnerContext } from './storeContext';
import type { StoreApi } from '../state/store';
import type { PlaygroundController } from '../state/controller';
import type { SceneRunner } from '../state/sceneRunner';

export function mount(
  root: HTMLElement,
  store: StoreApi,
  controller: PlaygroundController,
  scenes?: SceneRunner,
): void {
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <ControllerContext.Provider value={controller}>
          <ErrorBoundary
            name="the page"
            onRestoreDefaults={() => {
              location.hash = '';
              location.reload();
            }}
          >
            <SceneRunnerContext.Provider value={scenes ?? null}>
              <App />
            </SceneRunnerContext.Provider>
          </ErrorBoundary>
        </ControllerContext.Provider>
      </StoreContext.Provider>
    </StrictMode>,
  );
}
