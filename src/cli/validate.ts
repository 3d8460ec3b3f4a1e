/**
 * npm run validate [-- --quick] [--seeds 1,2,3] [--jobs N] [--claims 1,3] [--out-dir DIR]
 * npm run validate -- --from-json docs/validation.json   (re-render the page, e.g. after the discussion)
 * Trains every run of the validation suite on the WASM backend in Node and writes
 * VALIDATION.md + validation.json (docs/ by default; quick mode writes to a temporary folder unless
 * --out-dir is given, so a smoke run never overwrites the real results).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { useNodeBackend } from './nodeBackend';
import { groupResults, runSuite, runTasks, type SuiteResult, type Task } from '../validation/suite';
import { CLAIMS } from '../validation/claims';
import { renderJson, renderMarkdown, type RunInfo } from '../validation/report';

const DISCUSSION = join('docs', 'validation-discussion.md');

interface Args {
  quick: boolean;
  seeds: number[];
  jobs: number;
  claims: number[];
  outDir?: string;
  worker?: string;
  out?: string;
  /** Re-render VALIDATION.md from a validation.json (e.g. after editing the discussion). */
  fromJson?: string;
}

function numbers(value: string | undefined, flag: string): number[] {
  if (!value) throw new Error(`${flag} needs a value`);
  const xs = value.split(',').map(Number);
  if (xs.some((x) => !Number.isInteger(x) || x < 0))
    throw new Error(`${flag} takes comma-separated non-negative integers (got ${value})`);
  return xs;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    seeds: [1, 2, 3],
    jobs: Math.min(2, availableParallelism()),
    claims: [],
  };
  let seedsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--seeds':
        args.seeds = numbers(argv[++i], flag);
        seedsGiven = true;
        break;
      case '--jobs':
        args.jobs = Math.max(1, numbers(argv[++i], flag)[0]!);
        break;
      case '--claims':
        args.claims = numbers(argv[++i], flag);
        break;
      case '--out-dir':
        args.outDir = argv[++i];
        break;
      case '--worker':
        args.worker = argv[++i];
        break;
      case '--out':
        args.out = argv[++i];
        break;
      case '--from-json':
        args.fromJson = argv[++i];
        break;
      default:
        throw new Error(
          `unknown argument ${flag} (usage: npm run validate -- [--quick] [--seeds 1,2,3] [--jobs N] [--claims 1,3] [--out-dir DIR])`,
        );
    }
  }
  if (args.quick && !seedsGiven) args.seeds = [1];
  return args;
}

function git(command: string): string {
  try {
    return execSync(`git ${command}`, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.fromJson) {
    const saved = JSON.parse(readFileSync(args.fromJson, 'utf8')) as {
      info: RunInfo;
      wallMs: number;
      rows: SuiteResult['rows'];
      checks: SuiteResult['checks'];
      runs: SuiteResult['results'];
    };
    // The rows are recomputed from the saved runs with this commit's claims (no training).
    const suite: SuiteResult = {
      rows: CLAIMS.flatMap((c) => c.rows(groupResults(saved.runs))),
      checks: saved.checks,
      results: saved.runs,
      wallMs: saved.wallMs,
    };
    const discussion = existsSync(DISCUSSION) ? readFileSync(DISCUSSION, 'utf8') : undefined;
    const target = join(args.outDir ?? 'docs', 'VALIDATION.md');
    const rendered = git('rev-parse --short HEAD');
    const info: RunInfo = {
      ...saved.info,
      ...(rendered && rendered !== saved.info.commit ? { renderedBy: rendered } : {}),
    };
    writeFileSync(target, renderMarkdown(suite, info, info.quick ? undefined : discussion));
    writeFileSync(join(args.outDir ?? 'docs', 'validation.json'), renderJson(suite, info));
    console.log(`re-rendered ${target} from ${args.fromJson}`);
    return;
  }
  await useNodeBackend('wasm');
  if (args.worker) {
    // A child of a parallel run: train the given tasks, write their results, say nothing else.
    const tasks = JSON.parse(readFileSync(args.worker, 'utf8')) as Task[];
    const results = await runTasks(tasks, args.quick, (line) => console.log(line));
    writeFileSync(args.out!, JSON.stringify(results));
    return;
  }
  const suite = await runSuite({
    quick: args.quick,
    seeds: args.seeds,
    jobs: args.jobs,
    claims: args.claims,
    log: (line) => console.log(line),
  });
  const info: RunInfo = {
    commit: git('rev-parse --short HEAD') || 'unknown',
    dirty: git('status --porcelain --untracked-files=no') !== '',
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    node: process.version,
    backend: 'wasm',
    seeds: args.seeds,
    jobs: args.jobs,
    quick: args.quick,
    command: `npm run validate${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  };
  const outDir = args.outDir ?? (args.quick ? mkdtempSync(join(tmpdir(), 'validation-')) : 'docs');
  if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true });
  // The hand-written reading of the results belongs to full runs only.
  const discussion =
    !args.quick && existsSync(DISCUSSION) ? readFileSync(DISCUSSION, 'utf8') : undefined;
  writeFileSync(join(outDir, 'VALIDATION.md'), renderMarkdown(suite, info, discussion));
  writeFileSync(join(outDir, 'validation.json'), renderJson(suite, info));
  for (const row of suite.rows)
    console.log(`claim ${row.claim}: ${row.verdict.padEnd(12)} ${row.measure.slice(0, 70)}`);
  for (const c of suite.checks) console.log(`check (claim ${c.claim}): ${c.verdict}`);
  console.log(
    `wrote ${join(outDir, 'VALIDATION.md')} and validation.json in ${(suite.wallMs / 60000).toFixed(1)} min`,
  );
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
