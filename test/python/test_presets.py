"""Every preset (src/presets/*.json) exported by the Node exporter
(`tsx src/cli/exportPytorch.ts --preset ID --out DIR`) trains 20 steps with the exported
`DIR/train.py --steps 20 --eval-every 20 --out m.json` and writes the runner's metrics.

To keep `npm test` short the evaluation looks at fewer samples (run.json's config.evaluation,
a field the TS engine honours too: maxTrain 300, maxTest 150) and two presets run at a time, each
on one thread. CPLAY_PRESETS=id,id restricts the list (while developing)."""

import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def preset_ids():
    ids = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ROOT, "src", "presets", "*.json")))
    only = os.environ.get("CPLAY_PRESETS")
    return [i for i in ids if i in only.split(",")] if only else ids


def tsx():
    local = os.path.join(ROOT, "node_modules", ".bin", "tsx")
    return [local] if os.path.exists(local) else ["npx", "tsx"]


def export_and_train(preset: str, tmp: str) -> dict:
    out_dir = os.path.join(tmp, preset)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        env.pop(k, None)
    exp = subprocess.run(tsx() + ["src/cli/exportPytorch.ts", "--preset", preset, "--out", out_dir], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if exp.returncode != 0:
        return {"preset": preset, "error": f"export failed ({exp.returncode}): {exp.stderr[-2000:]}"}
    run_path = os.path.join(out_dir, "run.json")
    with open(run_path) as f:
        run = json.load(f)
    run["config"]["evaluation"] = {**run["config"].get("evaluation", {}), "maxTrain": 300, "maxTest": 150}
    with open(run_path, "w") as f:
        json.dump(run, f)
    metrics = os.path.join(tmp, f"{preset}.json")
    tr = subprocess.run(
        [sys.executable, os.path.join(out_dir, "train.py"), "--steps", "20", "--eval-every", "20", "--device", "cpu", "--out", metrics],
        cwd=tmp, env=env, capture_output=True, text=True, timeout=600,
    )
    if tr.returncode != 0:
        return {"preset": preset, "error": f"train.py failed ({tr.returncode}): {tr.stderr[-2000:]}"}
    with open(metrics) as f:
        result = json.load(f)
    shutil.rmtree(out_dir, ignore_errors=True)
    return {"preset": preset, "result": result, "stdout": tr.stdout}


class EveryPresetExportTrains(unittest.TestCase):
    def test_every_preset(self):
        ids = preset_ids()
        self.assertTrue(ids)
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(lambda p: export_and_train(p, tmp), ids))
        for o in outcomes:
            with self.subTest(preset=o["preset"]):
                self.assertNotIn("error", o, o.get("error"))
                r = o["result"]
                final = r["final"]
                print(f"\n  {o['preset']}: loss {final.get('loss'):.4f}, uniformity {final.get('uniformity'):.3f}, {r['timing']['msPerStep']:.0f} ms/step", end="")
                self.assertEqual(final["step"], 20)
                self.assertEqual([h["step"] for h in r["history"]], [20])
                self.assertTrue(math.isfinite(final["loss"]))
                self.assertIn("uniformity", final)
                self.assertEqual(r["config"]["steps"], 20)
                self.assertIn("step 20", o["stdout"])


if __name__ == "__main__":
    unittest.main()
