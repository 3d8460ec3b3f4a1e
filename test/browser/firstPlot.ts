/**
 * Time to the first embedding picture of the built app (the canvas preview, then Plotly's plot),
 * over a few cold page loads (a fresh Chromium profile each: nothing cached). A benchmark, not a
 * test: `npx tsx test/browser/firstPlot.ts [N] [?query]`. Prints each load's times from navigation,
 * and any `[boot] <what> <epoch ms>` console marks of the page and its workers.
 */
import { launchChromium } from '../../src/cli/chromium';
import { serveBuiltApp } from './builtApp';

async function main(): Promise<void> {
  const loads = Number(process.argv[2] ?? 3);
  const query = process.argv[3] ?? '';
  const app = await serveBuiltApp();
  const times: number[] = [];
  const plotly: number[] = [];
  try {
    for (let i = 0; i < loads; i++) {
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: 1500, height: 1000 });
        const t0 = Date.now();
        // `[boot] <what> <epoch ms>` marks from the page and its workers, shown relative to the
        // page's time origin (navigation start).
        const marks: { what: string; at: number }[] = [];
        let origin = 0;
        page.on('console', (m) => {
          const match = /^\[boot\] (.*) (\d{12,})$/.exec(m.text());
          if (!match) return;
          if (match[1] === 'origin') origin = Number(match[2]);
          else marks.push({ what: match[1]!, at: Number(match[2]) });
        });
        await page.goto(`${app.url}${query}`);
        // The first picture: the canvas preview of the points, or Plotly's plot if it came first.
        await page
          .locator(
            '[aria-label="Embedding"] [data-testid=embedding-preview], [aria-label="Embedding"] .js-plotly-plot',
          )
          .first()
          .waitFor({ timeout: 120_000 });
        const picture = (Date.now() - t0) / 1000;
        if (process.env.FIRST_PLOT_SHOT && i === 0)
          await page.screenshot({ path: process.env.FIRST_PLOT_SHOT });
        await page
          .locator('[aria-label="Embedding"] .js-plotly-plot')
          .first()
          .waitFor({ timeout: 120_000 });
        const seconds = (Date.now() - t0) / 1000;
        times.push(picture);
        plotly.push(seconds);
        console.log(
          `load ${i + 1}: first embedding picture after ${picture.toFixed(2)} s, Plotly plot after ${seconds.toFixed(2)} s`,
        );
        marks.sort((a, b) => a.at - b.at);
        for (const m of marks) console.log(`  ${((m.at - origin) / 1000).toFixed(2)} s  ${m.what}`);
        await page.close();
      } finally {
        await browser.close();
      }
    }
  } finally {
    await app.close();
  }
  const summary = (name: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      `${name}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} s, min ${sorted[0]!.toFixed(2)} s, max ${sorted.at(-1)!.toFixed(2)} s over ${values.length} cold loads`,
    );
  };
  summary('first embedding picture', times);
  summary('first Plotly embedding plot', plotly);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
