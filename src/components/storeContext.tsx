/** The store and the controller, handed to panels through context (one instance per page). */
import { createContext, useContext } from 'react';
import { useStore as useZustand } from 'zustand';
import type { Store, StoreApi } from '../state/store';
import type { PlaygroundController } from '../state/controller';
import type { SceneRunner } from '../state/sceneRunner';
import type { DatasetMenuEntry } from '../contracts/dataset';

export const StoreContext = createContext<StoreApi | null>(null);
export const ControllerContext = createContext<PlaygroundController | null>(null);

export function useStore<T>(selector: (s: Store) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside the StoreContext provider');
  return useZustand(store, selector);
}

export function useController(): PlaygroundController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside the ControllerContext provider');
  return controller;
}

/** The scene runner (absent in pages and tests that mount the app without one). */
export const SceneRunnerContext = createContext<SceneRunner | null>(null);

export function useSceneRunner(): SceneRunner | null {
  return useContext(SceneRunnerContext);
}

/** The data sets the page offers (main.tsx reads them from the data registry). */
export const DatasetMenuContext = createContext<readonly DatasetMenuEntry[]>([]);

export function useDatasetMenu(): readonly DatasetMenuEntry[] {
  return useContext(DatasetMenuContext);
}
