"""A short run's final probe accuracy agrees between the engines within the seed-to-seed spread
(issue 14, item 5). Slow (six short trainings), so it is not part of `npm test`:

    npm run test:agreement [-- --preset infonce-mnist] [--steps 200] [--seeds 1,2,3] [--out FILE]

For each seed: the headless runner (`npm run experiment`, Node, WASM) trains the preset with that
seed, and the project `npm run export:pytorch` writes for the same config and seed trains with
`train.py` (CPU, float32), both with their augmentations on and the same budget. Passes when, for
the linear-probe and kNN accuracies, the difference of the two engines' means is at most twice the
pooled seed-to-seed standard deviation. Prints `N passed, M failed` (one check per metric).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")
METRICS = ["linearProbeAccuracy", "knnAccuracy"]


def run(args, **kw):
    subprocess.run(args, check=True, cwd=ROOT, **kw)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="infonce-mnist")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--out", help="write the runs' final metrics here (JSON)")
    a = p.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    if len(seeds) < 2:
        p.error("--seeds needs at least two seeds (the spread is the yardstick)")
    with open(os.path.join(ROOT, "src", "presets", a.preset + ".json")) as f:
        preset = json.load(f)["config"]
    results = {"ts": {}, "torch": {}}
    with tempfile.TemporaryDirectory(prefix="cplay-probe-") as tmp:
        for seed in seeds:
            config = dict(preset, seed=seed, steps=a.steps, evalEvery=a.steps)
            config_path = os.path.join(tmp, f"config-{seed}.json")
            with open(config_path, "w") as f:
                json.dump(config, f)
            ts_out = os.path.join(tmp, f"ts-{seed}.json")
            run([TSX, "src/cli/experiment.ts", "--config", config_path, "--quiet", "--out", ts_out],
                stdout=subprocess.DEVNULL)
            project = os.path.join(tmp, f"project-{seed}")
            run([TSX, "src/cli/exportPytorch.ts", "--config", config_path, "--out", project],
                stdout=subprocess.DEVNULL)
            py_out = os.path.join(tmp, f"torch-{seed}.json")
            run([sys.executable, os.path.join(project, "train.py"), "--device", "cpu", "--out", py_out],
                stdout=subprocess.DEVNULL)
            for engine, path in (("ts", ts_out), ("torch", py_out)):
                with open(path) as f:
                    final = json.load(f)["final"]
                results[engine][seed] = {m: final.get(m) for m in METRICS}
                print(f"seed {seed} {engine:5s} " + ", ".join(f"{m} {final.get(m):.4f}" for m in METRICS), flush=True)
    passed = failed = 0
    summary = {}
    for m in METRICS:
        ts = [results["ts"][s][m] for s in seeds]
        pt = [results["torch"][s][m] for s in seeds]
        sd = ((statistics.stdev(ts) ** 2 + statistics.stdev(pt) ** 2) / 2) ** 0.5
        diff = statistics.mean(pt) - statistics.mean(ts)
        ok = abs(diff) <= 2 * sd
        passed, failed = passed + ok, failed + (not ok)
        summary[m] = {"ts": ts, "torch": pt, "difference": diff, "pooledSd": sd, "agrees": ok}
        print(
            f"{m}: TS {statistics.mean(ts):.4f} ± {statistics.stdev(ts):.4f}, "
            f"PyTorch {statistics.mean(pt):.4f} ± {statistics.stdev(pt):.4f} "
            f"(mean ± sd over seeds {a.seeds}); difference {diff:+.4f}, 2 × pooled sd {2 * sd:.4f}: "
            f"{'agree' if ok else 'DISAGREE'}"
        )
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"preset": a.preset, "steps": a.steps, "seeds": seeds, "metrics": summary}, f, indent=2)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
