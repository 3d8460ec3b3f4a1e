"""K ranks equal one: 2 CPU ranks (gloo, started here with the env:// variables, as torchrun would
set them) against 1 process, same global batch and seed, 20 steps: every logged loss within 1e-5
relative and the parameters after 20 steps within 1e-4, for a views loss, a class-label loss with
the FairKL regulariser (bias labels, encoder features gathered), and SepCLR's two encoders."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

from synth import base_config, free_port, write_export

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "ddp_worker.py")
STEPS = 20


def run_ranks(folder: str, world: int, out: str) -> None:
    port = str(free_port())
    procs = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1", MASTER_PORT=port, OMP_NUM_THREADS="1")
        if world == 1:
            for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
                env.pop(k)
        procs.append(subprocess.Popen([sys.executable, WORKER, folder, str(STEPS), out], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    try:
        outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    finally:
        for p in procs:  # a rank that hangs must not outlive the test
            if p.poll() is None:
                p.kill()
    for p, o in zip(procs, outputs):
        if p.returncode != 0:
            raise AssertionError(f"rank exited with {p.returncode}:\n{o}")


class DDPEquivalence(unittest.TestCase):
    def check(self, config: dict, **data) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_export(os.path.join(tmp, "export"), config, **data)
            one, two = os.path.join(tmp, "one.npz"), os.path.join(tmp, "two.npz")
            run_ranks(folder, 1, one)
            run_ranks(folder, 2, two)
            a, b = np.load(one), np.load(two)
            la, lb = a["losses"], b["losses"]
            self.assertEqual(len(la), STEPS)
            rel = np.abs(la - lb) / np.abs(la)
            print(f"\n  {config['loss']['name']}: max loss rel diff {rel.max():.2e}, first/last loss {la[0]:.4f}/{la[-1]:.4f}", end="")
            self.assertTrue(np.all(rel <= 1e-5), f"losses differ: {la} vs {lb}")
            keys = [k for k in a.files if k.startswith("p:")]
            self.assertEqual(sorted(keys), sorted(k for k in b.files if k.startswith("p:")))
            worst = max(float(np.abs(a[k] - b[k]).max()) for k in keys)
            moved = max(float(np.abs(a[k]).max()) for k in keys)
            print(f", max param diff {worst:.2e}", end="")
            self.assertLessEqual(worst, 1e-4)
            self.assertGreater(moved, 0)

    def test_views_loss_nt_xent_sgd(self):
        # SGD: an update proportional to the gradient (Adam hides a wrong gradient scale).
        self.check(base_config(optimizer={"name": "sgd", "lr": 0.05, "momentum": 0.9}))

    def test_class_loss_with_fairkl(self):
        config = base_config(
            positives={"name": "class"},
            loss={"name": "eps_supinfonce", "temperature": 0.1, "epsilon": 0.1},
            regularizer={"name": "fairkl", "weight": 1},
            encoder={"name": "cnn", "channels": [4, 8], "representation": 16, "projectionHidden": 16},
        )
        self.check(config, dataset_id="colored-mnist", shape=(8, 8, 3), bias=True, dtype="float32")

    def test_sepclr_two_encoders(self):
        config = base_config(
            dataset={"name": "digits-on-fashion"},
            loss={"name": "sepclr", "beta_salient": 1, "beta_reg": 10, "lambda_jem": 10},
            salientDim=4,
        )
        self.check(config, dataset_id="digits-on-fashion", target_flag=True)

    def test_continuous_attribute_loss(self):
        config = base_config(
            positives={"name": "kernel", "attribute": "age"},
            kernel={"name": "rbf", "sigma": 5},
            loss={"name": "y_aware_infonce", "temperature": 0.1},
        )
        self.check(config, dataset_id="brain-mri", attribute="age")


class TrainPyUnderTwoRanks(unittest.TestCase):
    """train.py itself, started twice with the variables torchrun sets: rank 0 alone writes the
    runner's JSON, whose history equals the one-process run's."""

    def test_train_py_two_ranks_equals_one(self):
        train_py = os.path.join(os.path.dirname(os.path.dirname(HERE)), "pytorch", "train.py")
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_export(os.path.join(tmp, "export"), base_config(positives={"name": "class"}, loss={"name": "supcon", "temperature": 0.1}))
            results = {}
            for world in (1, 2):
                out = os.path.join(tmp, f"m{world}.json")
                port = str(free_port())
                procs = []
                for rank in range(world):
                    env = dict(os.environ, OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
                    if world > 1:
                        env.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank))
                    else:
                        for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
                            env.pop(k, None)
                    cmd = [sys.executable, train_py, "--run", os.path.join(folder, "run.json"), "--steps", "10", "--eval-every", "5", "--device", "cpu", "--out", out]
                    procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
                try:
                    for p in procs:
                        text = p.communicate(timeout=300)[0].decode()
                        self.assertEqual(p.returncode, 0, text)
                finally:
                    for p in procs:  # a rank that hangs must not outlive the test
                        if p.poll() is None:
                            p.kill()
                with open(out) as f:
                    results[world] = json.load(f)
            one, two = results[1], results[2]
            self.assertEqual(two["pytorch"]["ranks"], 2)
            self.assertEqual([h["step"] for h in two["history"]], [5, 10])
            for a, b in zip(one["history"], two["history"]):
                self.assertLessEqual(abs(a["loss"] - b["loss"]) / abs(a["loss"]), 1e-5)
                # Same weights on rank 0 → the same evaluation up to float32 rounding.
                self.assertAlmostEqual(a["uniformity"], b["uniformity"], places=4)
                self.assertAlmostEqual(a["knnAccuracy"], b["knnAccuracy"], places=6)


if __name__ == "__main__":
    unittest.main()
