/** Share and export: the link (config + seed), metrics as CSV/JSON, and a run as JSON that re-opens. */
import { useRef, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { useController, useStore } from './storeContext';
import { selectActiveRun, selectRuns } from '../state/store';
import { downloadBytes, downloadText, metricsToCsv } from '../plots';
import { configToHash } from '../state/urlState';
import { parseRunFile } from '../state/runImport';

export function ExportPanel() {
  const runs = useStore(useShallow(selectRuns));
  const active = useStore(selectActiveRun);
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const setNotice = useStore((s) => s.setNotice);
  const controller = useController();
  const fileRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const [exporting, setExporting] = useState(false);
  const link = `${location.origin}${location.pathname}${configToHash(config)}`;

  const openRun = async (file: File) => {
    try {
      const { config: parsed } = parseRunFile(await file.text());
      setConfig(parsed);
      controller.startRun(parsed, `${file.name} (re-opened)`);
      setNotice(`Re-opened ${file.name}: its configuration is loaded and a new run started.`);
    } catch (error) {
      setNotice(`Could not open ${file.name}: ${(error as Error).message}`);
    }
  };

  const exportRun = async () => {
    if (!active) return;
    // The weights make the file a trained model: `npm run export:pytorch -- --run FILE` uses them.
    let weights: Awaited<ReturnType<typeof controller.runWeights>> | null = null;
    try {
      weights = await controller.runWeights(active.id);
    } catch (error) {
      setNotice(`The run's weights are not in the file: ${(error as Error).message}`);
    }
    downloadText(
      JSON.stringify(
        { config: active.config, history: active.history, backend: active.backend, weights },
        null,
        2,
      ),
      `${active.id}.json`,
      'application/json',
    );
  };

  const exportPytorch = async () => {
    setExporting(true);
    try {
      const { filename, zip } = await controller.exportPytorch();
      downloadBytes(zip, filename, 'application/zip');
    } catch (error) {
      setNotice(`Could not export to PyTorch: ${(error as Error).message}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="card" aria-label="Share and export">
      <h2>Share and export</h2>
      <div className="row">
        <button
          onClick={() => {
            void navigator.clipboard?.writeText(link).then(() => setCopied(true));
          }}
          title={link}
        >
          {copied ? 'link copied' : 'copy link (config + seed)'}
        </button>
        <button
          disabled={!runs.length}
          onClick={() =>
            downloadText(
              metricsToCsv(runs.map((r) => ({ id: r.id, label: r.label, history: r.history }))),
              'metrics.csv',
              'text/csv',
            )
          }
        >
          metrics CSV
        </button>
        <button
          disabled={!runs.length}
          onClick={() =>
            downloadText(
              JSON.stringify(
                runs.map((r) => ({
                  id: r.id,
                  label: r.label,
                  config: r.config,
                  history: r.history,
                })),
                null,
                2,
              ),
              'metrics.json',
              'application/json',
            )
          }
        >
          metrics JSON
        </button>
        <button disabled={!active} onClick={() => void exportRun()}>
          export run
        </button>
        <button
          disabled={!active || exporting}
          onClick={() => void exportPytorch()}
          title="A zip with train.py, the losses in PyTorch, the data set and the current weights: train this run on a GPU or many"
        >
          {exporting ? 'exporting…' : 'Export to PyTorch'}
        </button>
        <button onClick={() => fileRef.current?.click()}>open run…</button>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void openRun(file);
            e.target.value = '';
          }}
        />
      </div>
    </section>
  );
}
