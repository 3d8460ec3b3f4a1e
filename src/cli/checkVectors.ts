/**
 * npm run check:vectors -- [--backend cpu|wasm|webgpu] [DIR|FILE ...]
 * Checks every case of every *.json in the folders (default: test/vectors) against the project's
 * functions in float32. Prints one line per case, then `N passed, M failed`; exits 1 on any failure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkFiles,
  resultLine,
  summaryLine,
  type CaseResult,
  type VectorFile,
} from '../vectors/check';

const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
type Backend = (typeof BACKENDS)[number];

function parseArgs(argv: string[]): { backend: Backend; paths: string[] } {
  let backend: Backend = 'cpu';
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--backend') {
      const value = argv[++i];
      if (!BACKENDS.includes(value as Backend)) {
        throw new Error(
          `--backend must be one of ${BACKENDS.join(', ')} (got ${value ?? 'nothing'})`,
        );
      }
      backend = value as Backend;
    } else if (arg.startsWith('--backend=')) {
      return parseArgs([
        ...argv.slice(0, i),
        '--backend',
        arg.slice('--backend='.length),
        ...argv.slice(i + 1),
      ]);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  return { backend, paths: paths.length ? paths : ['test/vectors'] };
}

function collectFiles(paths: string[]): VectorFile[] {
  const files: VectorFile[] = [];
  for (const p of paths) {
    const full = resolve(p);
    const names = statSync(full).isDirectory()
      ? readdirSync(full)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(full, f))
      : [full];
    for (const name of names)
      files.push({
        name: join(p, name.slice(full.length)).replace(/\/$/, '') || p,
        text: readFileSync(name, 'utf8'),
      });
  }
  if (!files.length) throw new Error(`no *.json vector files under ${paths.join(', ')}`);
  return files;
}

async function main(): Promise<number> {
  const { backend, paths } = parseArgs(process.argv.slice(2));
  const files = collectFiles(paths);
  let results: CaseResult[];
  if (backend === 'webgpu') {
    const { checkFilesInBrowser } = await import('./browserVectors');
    results = await checkFilesInBrowser(files);
  } else {
    const { useNodeBackend } = await import('./nodeBackend');
    await useNodeBackend(backend);
    results = await checkFiles(files);
  }
  console.log(`backend: ${backend}`);
  for (const r of results) console.log(resultLine(r));
  console.log(summaryLine(results));
  return results.every((r) => r.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`check:vectors: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
