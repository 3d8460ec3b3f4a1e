/**
 * Renders the playground into `root`. A chunk of its own (React, the panels, KaTeX), loaded by
 * main.tsx after the training worker has been started, so the worker's start does not wait for it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './ErrorBoundary';
import { StoreContext, ControllerContext } from './storeContext';
import type { StoreApi } from '../state/store';
import type { PlaygroundController } from '../state/controller';

export function mount(root: HTMLElement, store: StoreApi, controller: PlaygroundController): void {
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
            <App />
          </ErrorBoundary>
        </ControllerContext.Provider>
      </StoreContext.Provider>
    </StrictMode>,
  );
}
