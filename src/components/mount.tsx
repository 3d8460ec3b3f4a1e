/**
 * Renders the playground into `root`. A chunk of its own (React, the panels, KaTeX), loaded by
 * main.tsx after the training worker has been started, so the worker's start does not wait for it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './ErrorBoundary';
import {
  StoreContext,
  ControllerContext,
  SceneRunnerContext,
  DatasetMenuContext,
} from './storeContext';
import type { DatasetMenuEntry } from '../contracts/dataset';
import type { StoreApi } from '../state/store';
import type { PlaygroundController } from '../state/controller';
import type { SceneRunner } from '../state/sceneRunner';

export function mount(
  root: HTMLElement,
  store: StoreApi,
  controller: PlaygroundController,
  datasets: readonly DatasetMenuEntry[],
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
            <DatasetMenuContext.Provider value={datasets}>
              <SceneRunnerContext.Provider value={scenes ?? null}>
                <App />
              </SceneRunnerContext.Provider>
            </DatasetMenuContext.Provider>
          </ErrorBoundary>
        </ControllerContext.Provider>
      </StoreContext.Provider>
    </StrictMode>,
  );
}
