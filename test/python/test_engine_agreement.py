"""The two engines agree (issue 14, item 5): from the same initial weights and the same first batch,
the playground's trainer (Node, WASM; scripts/engine-agreement.ts) and the exported project's
PyTorch trainer (CPU, float32) give the same first-step loss within 1e-4 relative and the same
parameters after one Adam step within 1e-4 (absolute, every entry).

One run per input style and more: views (nt_xent), class labels (supcon, eps_supinfonce), a
continuous attribute (y_aware_infonce, kernelized_supcon), a bias label (eps_supinfonce + FairKL),
SepCLR's pairs (two data sets), sample-major decoupled uniformity (kernel prior, VAE prior) and the
pair losses (dcl, align_uniform). Augmentation is off on both sides (identical views), so the first
batch is exactly the TS sampler's draw, which the PyTorch trainer is given.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")
sys.path.insert(0, os.path.join(ROOT, "pytorch"))

PRESETS = [
    "infonce-mnist",
    "supcon-mnist",
    "eps-supinfonce-mnist",
    "fairkl-colored-mnist",
    "yaware-brain-age",
    "kernel-regression-brain-age",
    "decoupled-uniformity-shapes",
    "decoupled-uniformity-vae-shapes",
    "sepclr-digits-on-fashion",
    "sepclr-brain-mri",
]

# Pair losses have no preset: small configs on the Gaussian mixture, with SGD + momentum for the other optimiser.
EXTRA_CONFIGS = {
    "dcl-gaussians": {
        "dataset": {"name": "gaussians"},
        "loss": {"name": "dcl", "tau": 0.2},
        "encoder": {"name": "mlp", "hidden": [32, 16], "projectionHidden": 16},
        "embeddingDim": 8,
        "batchSize": 64,
        "optimizer": {"name": "adam", "lr": 0.003},
        "steps": 10,
        "seed": 4,
    },
    "align-uniform-gaussians-sgd": {
        "dataset": {"name": "gaussians"},
        "loss": {"name": "align_uniform"},
        "encoder": {"name": "mlp", "hidden": [32, 16], "projectionHidden": 16},
        "embeddingDim": 3,
        "batchSize": 64,
        "optimizer": {"name": "sgd", "lr": 0.05, "momentum": 0.9},
        "steps": 10,
        "seed": 5,
    },
}

LOSS_RTOL = 1e-4
PARAM_ATOL = 1e-4


def load_tensors(folder):
    files = sorted(f for f in os.listdir(folder) if f.endswith(".npy"))
    return [np.load(os.path.join(folder, f), allow_pickle=False) for f in files]


class EngineAgreementTest(unittest.TestCase):
    """One TS run for every case (setUpClass), then one PyTorch step per case."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cplay-agreement-")
        args = [TSX, os.path.join(ROOT, "scripts", "engine-agreement.ts"), "--out", cls.tmp.name]
        for preset in PRESETS:
            args += ["--preset", preset]
        for name, config in EXTRA_CONFIGS.items():
            path = os.path.join(cls.tmp.name, name + ".json")
            with open(path, "w") as f:
                json.dump(config, f)
            args += ["--config", path]
        subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        cls.report = {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        if cls.report:
            print("\nengine agreement (TS wasm vs PyTorch CPU float32, one step):")
            for name, r in cls.report.items():
                print(
                    f"  {name:34s} loss TS {r['ts']:.6f} PT {r['pt']:.6f} rel {r['rel']:.1e}; "
                    f"params max |diff| {r['param']:.1e}, {r['over']} over 1e-5 (largest move {r.get('moved', float('nan')):.1e})"
                )

    def torch_trainer(self, name):
        import torch

        from cplay.data import read_export_data
        from cplay.trainer import Trainer

        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
        folder = os.path.join(self.tmp.name, name)
        with open(os.path.join(folder, "project", "run.json")) as f:
            run = json.load(f)
        with open(os.path.join(folder, "result.json")) as f:
            ts = json.load(f)
        dataset = read_export_data(os.path.join(folder, "project", "data"))
        trainer = Trainer(run, dataset, augmentations=False)
        return folder, ts, trainer

    def check(self, name):
        import torch

        folder, ts, trainer = self.torch_trainer(name)
        self.assertTrue(ts["applied"], f"the TS step was not applied: {ts['error']}")
        before = load_tensors(os.path.join(folder, "before"))
        after = load_tensors(os.path.join(folder, "after"))
        trainer.load_ts_weights(before)
        batch = np.load(os.path.join(folder, "batch.npy"))
        drawn = []

        def first_batch(size):
            self.assertEqual(size, len(batch))
            drawn.append(size)
            return batch.astype(np.int64)

        trainer.sampler.next = first_batch
        result = trainer.step()
        self.assertEqual(drawn, [len(batch)])
        self.assertTrue(result.applied, result.error)
        rel = abs(result.loss - ts["loss"]) / abs(ts["loss"])
        got = trainer.model.encoder.ts_weights()
        if trainer.model.salient is not None:
            got += trainer.model.salient.ts_weights()
        self.assertEqual(len(got), len(after))
        worst, over, total = 0.0, 0, 0
        for i, (g, w) in enumerate(zip(got, after)):
            self.assertEqual(list(g.shape), list(w.shape), f"tensor {i} ({ts['names'][i]})")
            diff = np.abs(g.astype(np.float64) - w)
            worst = max(worst, float(np.max(diff)))
            # Adam's first step is lr·g/(|g| + 1e-7): where |g| is near 1e-7, float32 noise in g shows.
            over += int(np.sum(diff > 1e-5))
            total += diff.size
        moved = max(float(np.max(np.abs(a.astype(np.float64) - b))) for a, b in zip(after, before))
        self.report[name] = {"ts": ts["loss"], "pt": result.loss, "rel": rel, "param": worst, "over": f"{over}/{total}"}
        self.assertLessEqual(rel, LOSS_RTOL, f"{name}: loss TS {ts['loss']} vs PyTorch {result.loss}")
        self.assertLessEqual(worst, PARAM_ATOL, f"{name}: parameters after one step differ by {worst}")
        # The step did something, so agreeing on it means something (Adam's first step moves a
        # weight by at most lr, about lr where the gradient is not tiny).
        self.report[name]["moved"] = moved
        self.assertGreater(moved, PARAM_ATOL, f"{name}: the TS step barely moved the weights")
        # The names in weights.json are the PyTorch model's state_dict keys, with the TS layout's size.
        state = trainer.model.state_dict()
        for i, key in enumerate(ts["names"]):
            self.assertIn(key, state)
            self.assertEqual(int(np.prod(state[key].shape)), int(np.prod(before[i].shape)), key)

    def test_seeded_initialisation_matches(self):
        """Beyond the contract: the PyTorch seeded init equals the TS one (same mulberry32 stream)."""
        for name in PRESETS[:1] + ["yaware-brain-age", "sepclr-digits-on-fashion"]:
            with self.subTest(name=name):
                folder, _, trainer = self.torch_trainer(name)
                got = trainer.model.encoder.ts_weights()
                if trainer.model.salient is not None:
                    got += trainer.model.salient.ts_weights()
                for i, (g, w) in enumerate(zip(got, load_tensors(os.path.join(folder, "before")))):
                    np.testing.assert_array_equal(g, w, err_msg=f"{name} tensor {i}")

    def test_first_batch_matches_sampler(self):
        """Beyond the contract: the PyTorch sampler draws the TS sampler's first batch."""
        for name in PRESETS + list(EXTRA_CONFIGS):
            with self.subTest(name=name):
                folder, _, trainer = self.torch_trainer(name)
                batch = np.load(os.path.join(folder, "batch.npy"))
                np.testing.assert_array_equal(trainer.sampler.next(len(batch)), batch)


def _add(name):
    def test(self):
        self.check(name)

    test.__doc__ = f"{name}: first-step loss and parameters after one step agree"
    setattr(EngineAgreementTest, "test_step_" + name.replace("-", "_"), test)


for _name in PRESETS + list(EXTRA_CONFIGS):
    _add(_name)


if __name__ == "__main__":
    unittest.main()
