/**
 * npm run bench [-- --quick] [--no-browser] [--profile]
 * ms per step and samples per second for each available backend, side by side in one run:
 * Node (wasm, cpu) and headless Chromium (webgpu, webgl, wasm); PyTorch on the CPU when
 * /usr/bin/python3 has it. Prints a markdown table and ratios; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import {
  BENCH_CASES,
  benchCase,
  benchTable,
  profileStep,
  type BenchResult,
} from '../engine/benchmark';
import { useNodeBackend, type NodeBackend } from './nodeBackend';

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  const cases = quick ? BENCH_CASES.filter((c) => c.batchSize === 64).slice(0, 1) : BENCH_CASES;
  const results: BenchResult[] = [];
  for (const backend of ['wasm', 'cpu'] as NodeBackend[]) {
    await useNodeBackend(backend);
    for (const c of cases) {
      // The CPU backend is ~5× slower; fewer steps keep the bench short.
      const r = await benchCase(c, { warmup: 2, steps: backend === 'cpu' ? 3 : quick ? 3 : 10 });
      results.push({ ...r, backend: `node-${backend}` });
      console.error(
        `${r.backend} ${c.name} batch ${c.batchSize}: ${r.msPerStep.toFixed(1)} ms/step`,
      );
    }
  }
  if (args.has('--profile')) {
    await useNodeBackend('wasm');
    const top = (await profileStep(cases[0]!)).slice(0, 8);
    console.log(
      `\nWASM kernel profile of one step (${cases[0]!.name}, batch ${cases[0]!.batchSize}):`,
    );
    for (const k of top) console.log(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(1)} ms`);
  }
  if (!args.has('--no-browser')) {
    const { benchInBrowser } = await import('./browserBench');
    for (const backend of ['webgpu', 'webgl', 'wasm']) {
      try {
        const browserCases = cases.filter((c) => c.batchSize === 64 || backend === 'wasm');
        const r = await benchInBrowser(backend, browserCases);
        results.push(...r.map((x) => ({ ...x, backend: `browser-${x.backend}` })));
      } catch (error) {
        console.error(`browser ${backend}: skipped (${(error as Error).message})`);
      }
    }
  }
  console.log(`\n${benchTable(results)}\n`);
  const pytorch = pytorchBaseline();
  console.log(pytorch);
  const wasm = results.find((r) => r.backend === 'node-wasm' && r.batchSize === 256);
  const cpu = results.find(
    (r) => r.backend === 'node-cpu' && r.batchSize === 256 && r.name === wasm?.name,
  );
  if (wasm && cpu)
    console.log(
      `ratio node-cpu / node-wasm (${wasm.name}, batch 256): ${(cpu.msPerStep / wasm.msPerStep).toFixed(2)}×`,
    );
}

function pytorchBaseline(): string {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'PyTorch: skipped (/usr/bin/python3 has no torch here).';
  }
  const script = `
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
m = nn.Sequential(nn.Linear(784,256), nn.ReLU(), nn.Linear(256,256), nn.ReLU(), nn.Linear(256,64))
opt = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.rand(512, 784)
def step():
    z = F.normalize(m(x), dim=1); s = z @ z.T / 0.1
    s = s.masked_fill(torch.eye(512, dtype=torch.bool), float('-inf'))
    target = torch.cat([torch.arange(256, 512), torch.arange(0, 256)])
    loss = F.cross_entropy(s, target); opt.zero_grad(); loss.backward(); opt.step()
for _ in range(3): step()
t = time.perf_counter()
for _ in range(20): step()
print((time.perf_counter() - t) / 20 * 1000)
`;
  const ms = Number(execFileSync('/usr/bin/python3', ['-c', script]).toString().trim());
  return `PyTorch (CPU, 1 thread), InfoNCE, MLP 784-256 → head 256-64, batch 256×2: ${ms.toFixed(1)} ms/step`;
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
