"""The trainer of an exported run (pytorch/train.py, pytorch/cplay): the TS initialisation and
samplers reproduced exactly, the optimiser's TF.js constants, augmentations, data readers of every
layout, a short training that lowers the loss, the non-finite guard, and train.py's output."""

import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

from synth import base_config, write_export

HERE = os.path.dirname(os.path.abspath(__file__))
PYTORCH = os.path.join(os.path.dirname(os.path.dirname(HERE)), "pytorch")
sys.path.insert(0, PYTORCH)

from cplay.augment import augment, augmentation_config  # noqa: E402
from cplay.config import load_run  # noqa: E402
from cplay.data import read_data_dir, read_export_data, read_nifti_slice  # noqa: E402
from cplay.models import Encoder  # noqa: E402
from cplay.random import SeededRandom  # noqa: E402
from cplay.sampler import RandomSampler, class_balanced_sampler, stratified_sampler  # noqa: E402
from cplay.trainer import Session, Trainer, create_optimizer  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")


class InitAndSamplersMatchTS(unittest.TestCase):
    """Fixtures written by `npx tsx test/python/make_init_fixture.ts` from the real TS code."""

    def test_initial_weights_bit_for_bit(self):
        with open(os.path.join(FIXTURES, "ts_init.json")) as f:
            cases = json.load(f)
        for c in cases:
            enc = Encoder(c["config"], tuple(c["shape"]), c["dim"], seed=c["seed"])
            ours = enc.ts_weights()
            self.assertEqual(len(ours), len(c["weights"]), c["name"])
            for a, b in zip(ours, c["weights"]):
                self.assertEqual(list(a.shape), b["shape"], c["name"])
                np.testing.assert_array_equal(a.reshape(-1), np.array(b["values"], dtype=np.float32), c["name"])
            x = torch.tensor(c["input"], dtype=torch.float32).reshape(2, *c["shape"])
            rep, proj = enc(x)
            # Same weights, same layers: the forward pass differs only by float32 summation order.
            np.testing.assert_allclose(rep.detach().reshape(-1).numpy(), c["representation"], rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(proj.detach().reshape(-1).numpy(), c["projection"], rtol=1e-5, atol=1e-6)

    def test_samplers_and_forks_draw_for_draw(self):
        with open(os.path.join(FIXTURES, "ts_samplers.json")) as f:
            fx = json.load(f)
        draw = lambda s, size: [s.next(size).tolist() for _ in range(8)]  # noqa: E731
        self.assertEqual(draw(RandomSampler(23, 5), 10), fx["random"])
        self.assertEqual(draw(class_balanced_sampler(np.array(fx["labels"]), 6), 8), fx["classBalanced"])
        self.assertEqual(draw(stratified_sampler(np.array(fx["flags"]), 7), 6), fx["stratified"])
        rng = SeededRandom(1)
        self.assertEqual([rng.fork() for _ in range(5)], fx["forks"])


class Optimiser(unittest.TestCase):
    def test_adam_is_tfjs_adam(self):
        """TF.js adam(lr): m, v with β 0.9 / 0.999, update lr·m̂/(√v̂ + 1e-7)."""
        p = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64))
        opt = create_optimizer({"optimizer": {"name": "adam", "lr": 0.01}}, [p])
        w = p.detach().clone().numpy()
        m = np.zeros(3)
        v = np.zeros(3)
        for t in range(1, 4):
            g = np.array([1e-6, -0.3, 2.0]) * t
            p.grad = torch.tensor(g)
            opt.step()
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w = w - 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-7)
        np.testing.assert_allclose(p.detach().numpy(), w, rtol=1e-12, atol=1e-15)

    def test_sgd_momentum_is_tfjs_momentum(self):
        p = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
        opt = create_optimizer({"optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.5}}, [p])
        acc, w = 0.0, 1.0
        for g in (1.0, 2.0, -1.0):
            p.grad = torch.tensor([g], dtype=torch.float64)
            opt.step()
            acc = 0.5 * acc + g
            w -= 0.1 * acc
        self.assertAlmostEqual(p.item(), w, places=12)


class Augmentations(unittest.TestCase):
    def test_flip_is_a_mirror_and_rows_follow_the_global_index(self):
        x = torch.rand(4, 6, 5, 1)
        cfg = {"hflip": True}
        out = augment(x, cfg, views=2, seed=9)
        for r in range(8):
            img = x[r % 4]
            same = torch.allclose(out[r], img, atol=1e-6)
            mirrored = torch.allclose(out[r], img.flip(1), atol=1e-6)
            self.assertTrue(same or mirrored, f"row {r}")
        # A rank holding samples 2..3 of the batch draws what one process draws for those rows.
        part = augment(x[2:], augmentation_config("mnist"), views=2, seed=9, sample_offset=2, global_batch=4)
        whole = augment(x, augmentation_config("mnist"), views=2, seed=9)
        torch.testing.assert_close(part[:2], whole[2:4])
        torch.testing.assert_close(part[2:], whole[6:8])

    def test_defaults_keep_values_in_range_and_change_the_image(self):
        x = torch.rand(3, 12, 12, 3)
        for dataset_id in ("mnist", "brain-mri", "shapes", "colored-mnist"):
            out = augment(x, augmentation_config(dataset_id, {"hue": 0.1, "saturation": 0.3}), views=2, seed=1)
            self.assertEqual(tuple(out.shape), (6, 12, 12, 3))
            self.assertTrue(bool((out >= 0).all() and (out <= 1).all()))
            self.assertGreater(float((out[:3] - x).abs().mean()), 1e-3, dataset_id)

    def test_pure_translation_moves_pixels(self):
        # affine: x_in = x + 1 (output pixel x shows input pixel x + 1), edges repeated.
        x = torch.arange(5.0).reshape(1, 1, 5, 1).repeat(1, 3, 1, 1) / 10
        cfg = {"translate": 0.2}
        out = augment(x, cfg, views=1, seed=3)
        # Whatever the shift, each row is the input resampled along x: monotone, within [0, 0.4].
        self.assertTrue(bool((out[0, :, 1:, 0] >= out[0, :, :-1, 0] - 1e-6).all()))


class DataReaders(unittest.TestCase):
    def test_export_uint8_and_float32(self):
        with tempfile.TemporaryDirectory() as tmp:
            for dtype in ("uint8", "float32"):
                folder = write_export(os.path.join(tmp, dtype), base_config(), dtype=dtype, bias=True, target_flag=True, attribute="age")
                ds = read_export_data(os.path.join(folder, "data"))
                self.assertEqual(ds.train.images.dtype, np.float32)
                self.assertEqual(ds.train.images.shape, (96, 8, 8, 1))
                self.assertTrue(0 <= ds.train.images.min() and ds.train.images.max() <= 1)
                raw = np.load(os.path.join(folder, "data", "train_x.npy"))
                expect = raw.astype(np.float32) / np.float32(255) if dtype == "uint8" else raw
                np.testing.assert_array_equal(ds.train.images, expect)
                self.assertEqual(sorted(ds.train.labels), ["color", "digit"])
                self.assertEqual(ds.train.attributes["age"].dtype, np.float32)
                self.assertEqual(ds.test.flags["isTarget"].dtype, np.uint8)

    def test_mnist_layout(self):
        with tempfile.TemporaryDirectory() as tmp:
            raw = os.path.join(tmp, "FashionMNIST", "raw")
            os.makedirs(raw)
            rng = np.random.default_rng(0)
            for prefix, n in (("train", 12), ("t10k", 5)):
                x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
                y = rng.integers(0, 10, n, dtype=np.uint8)
                with gzip.open(os.path.join(raw, f"{prefix}-images-idx3-ubyte.gz"), "wb") as f:
                    f.write(struct.pack(">IIII", 0x0803, n, 28, 28) + x.tobytes())
                with open(os.path.join(raw, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
                    f.write(struct.pack(">II", 0x0801, n) + y.tobytes())
                if prefix == "train":
                    x_train, y_train = x, y
            ds = read_data_dir(tmp, dataset_name="mnist", class_label="label")
            self.assertEqual(ds.info["id"], "fashion-mnist")
            self.assertEqual(ds.train.images.shape, (12, 28, 28, 1))
            self.assertEqual(ds.test.n, 5)
            np.testing.assert_array_equal(ds.train.images[..., 0], x_train.astype(np.float32) / np.float32(255))
            np.testing.assert_array_equal(ds.train.labels["label"], y_train)

    def test_cifar_layout(self):
        import pickle

        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.join(tmp, "cifar-10-batches-py")
            os.makedirs(folder)
            rng = np.random.default_rng(1)
            data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
            for name in ("data_batch_1", "test_batch"):
                with open(os.path.join(folder, name), "wb") as f:
                    pickle.dump({b"data": data, b"labels": [0, 1, 2, 3]}, f)
            ds = read_data_dir(tmp, class_label="label")
            self.assertEqual(ds.train.images.shape, (4, 32, 32, 3))
            # CHW planes → HWC: red of pixel (0, 1) is byte 1, green byte 1024 + 1.
            self.assertAlmostEqual(float(ds.train.images[0, 0, 1, 1]), data[0, 1025] / 255, places=6)

    def _png(self, path: str, value: int, channels: int = 1) -> None:
        from torchvision.io import write_png

        write_png(torch.full((channels, 10, 10), value, dtype=torch.uint8), path)

    def test_image_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            for split, n in (("train", 3), ("test", 2)):
                for cls, value in (("cat", 10), ("dog", 200)):
                    os.makedirs(os.path.join(tmp, split, cls))
                    for i in range(n):
                        self._png(os.path.join(tmp, split, cls, f"{i}.png"), value)
            ds = read_data_dir(tmp, class_label="label")
            self.assertEqual((ds.train.n, ds.test.n), (6, 4))
            self.assertEqual(ds.info["labels"][0]["classNames"], ["cat", "dog"])
            dogs = ds.train.images[ds.train.labels["label"] == 1]
            np.testing.assert_allclose(dogs, 200 / 255, atol=1e-6)

    def _nifti(self, path: str) -> np.ndarray:
        vol = np.arange(4 * 6 * 3, dtype=np.int16).reshape(3, 6, 4)  # [z, y, x]
        header = bytearray(352)
        struct.pack_into("<i", header, 0, 348)
        struct.pack_into("<8h", header, 40, 3, 4, 6, 3, 1, 1, 1, 1)
        struct.pack_into("<h", header, 70, 4)  # int16
        struct.pack_into("<h", header, 72, 16)
        struct.pack_into("<f", header, 108, 352.0)
        struct.pack_into("<2f", header, 112, 1.0, 0.0)
        header[344:348] = b"n+1\x00"
        with gzip.open(path, "wb") as f:
            f.write(bytes(header) + vol.tobytes())
        return vol

    def test_csv_with_png_and_nifti(self):
        with tempfile.TemporaryDirectory() as tmp:
            lines = ["file,label,age"]
            for i in range(10):
                name = f"img{i}.png"
                self._png(os.path.join(tmp, name), 20 * i)
                lines.append(f"{name},{'a' if i % 2 else 'b'},{30 + i}")
            lines.append("missing.png,a,40")  # reported and skipped, the others kept
            with open(os.path.join(tmp, "labels.csv"), "w") as f:
                f.write("\n".join(lines) + "\n")
            ds = read_data_dir(tmp, class_label="label", seed=1)
            self.assertEqual(ds.train.n + ds.test.n, 10)
            self.assertEqual(ds.info["imageShape"], {"height": 10, "width": 10, "channels": 1})
            ages = np.concatenate([ds.train.attributes["age"], ds.test.attributes["age"]])
            self.assertEqual(sorted(ages.tolist()), [30.0 + i for i in range(10)])
            vol = self._nifti(os.path.join(tmp, "brain.nii.gz"))
            img = read_nifti_slice(os.path.join(tmp, "brain.nii.gz"))
            self.assertEqual(img.shape, (6, 4, 1))
            mid = vol[1][::-1].astype(np.float64)
            lo, hi = np.sort(mid.ravel())[0], np.sort(mid.ravel())[-1]
            np.testing.assert_allclose(img[..., 0], (mid - lo) / (hi - lo), atol=1e-6)


class Training(unittest.TestCase):
    def test_short_training_lowers_the_loss(self):
        with tempfile.TemporaryDirectory() as tmp:
            config = base_config(positives={"name": "class"}, loss={"name": "supcon", "temperature": 0.1}, batchSize=32)
            folder = write_export(tmp, config)
            trainer = Trainer(load_run(folder), read_export_data(os.path.join(folder, "data")))
            losses = [trainer.step().loss for _ in range(60)]
            self.assertLess(np.mean(losses[-10:]), np.mean(losses[:10]) - 0.1, losses)

    def test_non_finite_step_is_not_applied_and_stops_the_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_export(tmp, base_config(), dtype="float32")
            x = np.load(os.path.join(folder, "data", "train_x.npy"))
            x[:] = np.nan
            np.save(os.path.join(folder, "data", "train_x.npy"), x)
            trainer = Trainer(load_run(folder), read_export_data(os.path.join(folder, "data")))
            before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
            session = Session(trainer)
            self.assertEqual(session.play(5, 5), "paused")
            self.assertIn("not finite", session.error)
            self.assertIn("step 1", session.error)
            self.assertEqual(trainer.step_count, 0)
            for k, v in trainer.model.state_dict().items():
                torch.testing.assert_close(v, before[k], rtol=0, atol=0)

    def test_exported_weights_are_loaded(self):
        """weights/ in the TS layout and order (EXPORT_FORMAT.md) becomes the model's starting point."""
        sys.path.insert(0, PYTORCH)
        import train

        with tempfile.TemporaryDirectory() as tmp:
            config = base_config(encoder={"name": "cnn", "channels": [4], "representation": 8, "projectionHidden": 8})
            folder = write_export(tmp, config)
            source = Trainer(load_run(folder), read_export_data(os.path.join(folder, "data")))
            source.run["config"]["seed"] = 99
            other = Encoder(config["encoder"], (8, 8, 1), 8, seed=12345)
            tensors = other.ts_weights()
            os.makedirs(os.path.join(folder, "weights"))
            index = {"step": 7, "tensors": []}
            for i, t in enumerate(tensors):
                np.save(os.path.join(folder, "weights", f"{i:03d}.npy"), t)
                index["tensors"].append({"name": f"w{i}", "shape": list(t.shape), "file": f"weights/{i:03d}.npy"})
            with open(os.path.join(folder, "weights", "weights.json"), "w") as f:
                json.dump(index, f)
            step, loaded = train.load_weights(folder)
            self.assertEqual(step, 7)
            source.load_ts_weights(loaded)
            for a, b in zip(source.model.encoder.ts_weights(), tensors):
                np.testing.assert_array_equal(a, b)
            with self.assertRaises(ValueError):
                source.load_ts_weights(loaded[:-2])

    def test_train_py_writes_the_runner_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_export(os.path.join(tmp, "x"), base_config(steps=4, evalEvery=2))
            out = os.path.join(tmp, "m.json")
            env = dict(os.environ, OMP_NUM_THREADS="1")
            for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
                env.pop(k, None)
            # train.py from the repo with --run pointing at the export (the export copies it beside run.json).
            proc = subprocess.run(
                [sys.executable, os.path.join(PYTORCH, "train.py"), "--run", os.path.join(folder, "run.json"), "--steps", "6", "--eval-every", "3", "--device", "cpu", "--out", out],
                env=env, capture_output=True, text=True, timeout=300,
            )
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(out) as f:
                result = json.load(f)
            self.assertEqual(sorted(result)[:5], ["backend", "config", "final", "history", "pytorch"])
            self.assertEqual([h["step"] for h in result["history"]], [3, 6])
            self.assertEqual(result["final"], result["history"][-1])
            for key in ("loss", "alignment", "uniformity", "effectiveRank", "knnAccuracy", "linearProbeAccuracy"):
                self.assertIn(key, result["final"])
            self.assertEqual(set(result["timing"]), {"loadMs", "trainMs", "msPerStep"})
            self.assertEqual(result["config"]["steps"], 6)
            self.assertIn("knnAccuracy", proc.stdout)


if __name__ == "__main__":
    unittest.main()
