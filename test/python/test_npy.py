"""The exporter's .npy writer (src/export/npy.ts) read back by numpy.load: dtype, shape, values."""

import math
import os
import subprocess
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")


class NpyWriterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        subprocess.run([TSX, os.path.join(HERE, "npy_fixture.ts"), cls.tmp.name], check=True, cwd=ROOT)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def load(self, name):
        path = os.path.join(self.tmp.name, name + ".npy")
        with open(path, "rb") as f:
            raw = f.read()
        header_len = int.from_bytes(raw[8:10], "little")
        self.assertEqual((10 + header_len) % 64, 0, "data must start on a 64-byte boundary")
        return np.load(path, allow_pickle=False)

    def test_float32_1d(self):
        a = self.load("f32_1d")
        self.assertEqual(a.dtype, np.dtype("<f4"))
        self.assertEqual(a.shape, (7,))
        want = np.array([0, -1.5, 3.25, 1e-30, math.pi, -np.inf], dtype=np.float32)
        np.testing.assert_array_equal(a[:6], want)
        self.assertTrue(np.isnan(a[6]))

    def test_float32_4d_c_order(self):
        a = self.load("f32_4d")
        self.assertEqual(a.shape, (2, 3, 4, 5))
        self.assertTrue(a.flags["C_CONTIGUOUS"])
        want = (np.arange(120, dtype=np.float64) / 7 - 3).astype(np.float32).reshape(2, 3, 4, 5)
        np.testing.assert_array_equal(a, want)
        self.assertEqual(a[1, 2, 3, 4], want.ravel()[119])

    def test_int32(self):
        a = self.load("i32_1d")
        self.assertEqual(a.dtype, np.dtype("<i4"))
        np.testing.assert_array_equal(a, np.array([0, 1, -1, 2**31 - 1, -(2**31)], dtype=np.int32))

    def test_uint8(self):
        a = self.load("u8_2d")
        self.assertEqual(a.dtype, np.uint8)
        np.testing.assert_array_equal(a, (np.arange(300) % 256).astype(np.uint8).reshape(3, 100))

    def test_empty_and_long_shapes(self):
        self.assertEqual(self.load("f32_empty").shape, (0, 4))
        a = self.load("f32_long_shape")
        self.assertEqual(a.shape, (1, 2, 3, 4, 5, 1))
        np.testing.assert_array_equal(a.ravel(), np.arange(120, dtype=np.float32))


if __name__ == "__main__":
    unittest.main()
