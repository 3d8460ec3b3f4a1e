/**
 * npm run scenes [-- --seed S] [--scene ID[,ID…]] [--out DIR] [--quick] [--backend wasm|cpu]
 * Trains every scene's arms in Node (WASM by default) at exactly the page's configs and budgets,
 * prints one line per scene (`scene <id>: holds — …` or `scene <id>: fails — …`) with the training
 * time, writes each scene's runs as JSON under DIR when asked, and exits 1 when a scene fails
 * (with --quick, only when a run stops or a number is missing: tiny runs say nothing about claims).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENES, sceneById, verdictLine, withSeed } from '../scenes';
import { useNodeBackend, type NodeBackend } from './nodeBackend';
import { runScene } from './sceneRunner';

interface Args {
  seed: number;
  scenes: string[];
  out?: string;
  quick: boolean;
  backend: NodeBackend;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: 1, scenes: [], quick: false, backend: 'wasm' };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--seed': {
        const v = value(i++, flag);
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new Error(`--seed must be a non-negative integer (got ${v})`);
        args.seed = n;
        break;
      }
      case '--scene':
        args.scenes.push(...value(i++, flag).split(','));
        break;
      case '--out':
        args.out = value(i++, flag);
        break;
      case '--quick':
        args.quick = true;
        break;
      case '--backend': {
        const b = value(i++, flag);
        if (b !== 'wasm' && b !== 'cpu')
          throw new Error(`--backend must be wasm or cpu (got ${b})`);
        args.backend = b;
        break;
      }
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  for (const id of args.scenes) sceneById(id);
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  await useNodeBackend(args.backend);
  const scenes = (args.scenes.length ? args.scenes.map(sceneById) : SCENES).map((s) =>
    withSeed(s, args.seed),
  );
  if (args.out) mkdirSync(args.out, { recursive: true });
  let failed = 0;
  for (const scene of scenes) {
    const result = await runScene(scene, {
      quick: args.quick,
      onArm: (a) =>
        console.error(
          `  ${scene.id}/${a.arm}: load ${(a.loadMs / 1000).toFixed(1)} s, train ${(a.trainMs / 1000).toFixed(1)} s${a.error ? ` (stopped: ${a.error})` : ''}`,
        ),
    });
    const stopped = result.arms.some((a) => a.error);
    const bad = args.quick
      ? stopped || result.verdict.status === 'pending'
      : stopped || result.verdict.status !== 'holds';
    if (bad) failed++;
    console.log(
      `${verdictLine(scene, result.verdict)} (seed ${args.seed}, ${(result.trainMs / 1000).toFixed(1)} s of training${args.quick ? ', quick' : ''})`,
    );
    if (args.out)
      writeFileSync(
        join(args.out, `${scene.id}-seed${args.seed}${args.quick ? '-quick' : ''}.json`),
        JSON.stringify(result, null, 1),
      );
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`scenes: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
