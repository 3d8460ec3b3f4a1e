"""Data sets for train.py: the exported `data/` folder (EXPORT_FORMAT.md), or full-size sets from a
local folder (--data-dir): torchvision's MNIST / Fashion-MNIST / CIFAR-10 layouts, an ImageFolder,
or the page's user-data CSV (file,label,attributes; PNG/JPEG/NIfTI). Nothing is downloaded.

Images are float32 NHWC in [0, 1], as the TS engine holds them (src/data/types.ts).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import pickle
import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np


@dataclass
class Split:
    images: np.ndarray  # [n, h, w, c] float32 in [0, 1]
    labels: Dict[str, np.ndarray] = field(default_factory=dict)  # int32 [n]
    attributes: Dict[str, np.ndarray] = field(default_factory=dict)  # float32 [n]
    flags: Dict[str, np.ndarray] = field(default_factory=dict)  # uint8 [n]

    @property
    def n(self) -> int:
        return int(self.images.shape[0])


@dataclass
class Dataset:
    info: dict
    train: Split
    test: Split

    @property
    def image_shape(self) -> Tuple[int, int, int]:
        s = self.info["imageShape"]
        return int(s["height"]), int(s["width"]), int(s["channels"])


# ---- the export format


def _as_images(x: np.ndarray) -> np.ndarray:
    if x.ndim != 4:
        raise ValueError(f"images must be [n, height, width, channels], got shape {list(x.shape)}")
    if x.dtype == np.uint8:
        return x.astype(np.float32) / np.float32(255)
    return np.ascontiguousarray(x, dtype=np.float32)


def read_export_data(folder: str) -> Dataset:
    """`folder` is the export's data/ (or the export root holding data/)."""
    if not os.path.exists(os.path.join(folder, "dataset.json")) and os.path.exists(
        os.path.join(folder, "data", "dataset.json")
    ):
        folder = os.path.join(folder, "data")
    path = os.path.join(folder, "dataset.json")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not found: is this an exported project's data/ folder?")
    with open(path) as f:
        meta = json.load(f)

    def load(name: str) -> np.ndarray:
        for base in (folder, os.path.dirname(folder)):
            p = os.path.join(base, name)
            if os.path.exists(p):
                return np.load(p, allow_pickle=False)
        raise FileNotFoundError(f"{name} (listed in {path}) not found")

    def split(s: dict) -> Split:
        out = Split(
            images=_as_images(load(s["x"])),
            labels={k: load(v).astype(np.int32) for k, v in s.get("labels", {}).items()},
            attributes={k: load(v).astype(np.float32) for k, v in s.get("attributes", {}).items()},
            flags={k: load(v).astype(np.uint8) for k, v in s.get("flags", {}).items()},
        )
        if "n" in s and int(s["n"]) != out.n:
            raise ValueError(f"{path}: split says n={s['n']} but its images hold {out.n}")
        return out

    info = dict(meta["info"])
    return Dataset(info=info, train=split(meta["splits"]["train"]), test=split(meta["splits"]["test"]))


# ---- folders (--data-dir)


def _open_maybe_gz(path: str):
    if os.path.exists(path):
        return open(path, "rb")
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rb")
    raise FileNotFoundError(path)


def _read_idx(path: str) -> np.ndarray:
    with _open_maybe_gz(path) as f:
        data = f.read()
    zero, dtype_code, ndim = data[0:2], data[2], data[3]
    if zero != b"\x00\x00" or dtype_code != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


MNIST_FOLDERS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}


def _find_mnist(root: str, preferred: str) -> Optional[Tuple[str, str]]:
    order = [preferred] + [k for k in MNIST_FOLDERS if k != preferred] if preferred in MNIST_FOLDERS else list(MNIST_FOLDERS)
    for key in order:
        for raw in (os.path.join(root, MNIST_FOLDERS[key], "raw"), os.path.join(root, "raw"), root):
            probe = os.path.join(raw, "train-images-idx3-ubyte")
            if os.path.exists(probe) or os.path.exists(probe + ".gz"):
                inferred = key if raw.startswith(os.path.join(root, MNIST_FOLDERS[key])) else preferred
                return raw, inferred if inferred in MNIST_FOLDERS else "mnist"
    return None


def _class_info(name: str, classes: List[str]) -> dict:
    return {"name": name, "classNames": classes}


def _info(dataset_id: str, title: str, images: np.ndarray, class_label: str, classes: List[str], attrs: Dict[str, np.ndarray]) -> dict:
    return {
        "id": dataset_id,
        "title": title,
        "description": f"{title}, read from a local folder by train.py --data-dir",
        "source": "local folder",
        "licence": "",
        "imageShape": {"height": int(images.shape[1]), "width": int(images.shape[2]), "channels": int(images.shape[3])},
        "labels": [_class_info(class_label, classes)],
        "attributes": [{"name": k, "min": float(v.min()), "max": float(v.max())} for k, v in attrs.items()],
        "classLabel": class_label,
        "hasTargetFlag": False,
    }


def read_mnist_layout(raw: str, dataset_id: str, class_label: str) -> Dataset:
    def split(prefix: str) -> Split:
        x = _read_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte"))
        y = _read_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte"))
        return Split(images=_as_images(x[..., None]), labels={class_label: y.astype(np.int32)})

    train, test = split("train"), split("t10k")
    title = "Fashion-MNIST" if dataset_id == "fashion-mnist" else "MNIST"
    info = _info(dataset_id, title, train.images, class_label, [str(i) for i in range(10)], {})
    return Dataset(info, train, test)


def read_cifar10(folder: str, class_label: str) -> Dataset:
    def batch(name: str) -> Tuple[np.ndarray, np.ndarray]:
        with open(os.path.join(folder, name), "rb") as f:
            d = pickle.load(f, encoding="bytes")
        x = np.asarray(d[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return x, np.asarray(d[b"labels"], dtype=np.int32)

    parts = [batch(f"data_batch_{i}") for i in range(1, 6) if os.path.exists(os.path.join(folder, f"data_batch_{i}"))]
    if not parts:
        raise FileNotFoundError(f"{folder}: no data_batch_1…5")
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    tx, ty = batch("test_batch")
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    meta = os.path.join(folder, "batches.meta")
    if os.path.exists(meta):
        with open(meta, "rb") as f:
            classes = [c.decode() for c in pickle.load(f, encoding="bytes")[b"label_names"]]
    train = Split(_as_images(x), {class_label: y})
    test = Split(_as_images(tx), {class_label: ty})
    return Dataset(_info("cifar-10", "CIFAR-10", train.images, class_label, classes, {}), train, test)


IMAGE_EXT = (".png", ".jpg", ".jpeg", ".nii", ".nii.gz")


def _is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_EXT)


def read_nifti_slice(path: str, slice_index: Optional[int] = None) -> np.ndarray:
    """One axial slice of a NIfTI-1/2 volume as decode.ts decodeNiftiBytes reads it: rows = j
    descending, intensities scaled by the 0.5th–99.5th percentiles into [0, 1]; [h, w, 1]."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    le = None
    for endian in ("<", ">"):
        size = struct.unpack(endian + "i", data[:4])[0]
        if size in (348, 540):
            le, hsize = endian, size
            break
    if le is None:
        raise ValueError(f"{path}: not a NIfTI-1/2 file (bad header size)")
    if hsize == 348:
        dims = struct.unpack(le + "8h", data[40:56])
        datatype = struct.unpack(le + "h", data[70:72])[0]
        vox_offset = struct.unpack(le + "f", data[108:112])[0]
        slope, inter = struct.unpack(le + "2f", data[112:120])
    else:
        datatype = struct.unpack(le + "h", data[12:14])[0]
        dims = struct.unpack(le + "8q", data[16:80])
        vox_offset = struct.unpack(le + "q", data[168:176])[0]
        slope, inter = struct.unpack(le + "2d", data[176:192])
    types = {2: "u1", 4: "i2", 8: "i4", 16: "f4", 64: "f8", 256: "i1", 512: "u2", 768: "u4"}
    if datatype not in types:
        raise ValueError(f"{path}: unsupported NIfTI datatype code {datatype}")
    nd, nx, ny = dims[0], dims[1], dims[2]
    nz = dims[3] if nd >= 3 else 1
    if nd < 2 or nx < 2 or ny < 2:
        raise ValueError(f"{path}: expected a 2-D or 3-D image, header dims are {list(dims[: nd + 1])}")
    k = nz // 2 if slice_index is None else slice_index
    if not 0 <= k < nz:
        raise ValueError(f"{path}: slice {slice_index} is outside 0..{nz - 1}")
    dt = np.dtype(le + types[datatype])
    off = max(int(vox_offset), 0)
    vol = np.frombuffer(data, dtype=dt, count=nx * ny * nz, offset=off).reshape(nz, ny, nx)
    slope = slope if slope and np.isfinite(slope) else 1.0
    inter = inter if np.isfinite(inter) else 0.0
    vals = vol[k][::-1].astype(np.float64) * slope + inter
    vals = np.where(np.isfinite(vals), vals, 0).astype(np.float32)
    flat = np.sort(vals.reshape(-1))
    lo = flat[int(np.floor(0.005 * (len(flat) - 1)))]
    hi = flat[int(np.ceil(0.995 * (len(flat) - 1)))]
    rng = hi - lo if hi > lo else 1.0
    return np.clip((vals - lo) / rng, 0, 1)[..., None].astype(np.float32)


def read_image_file(path: str) -> np.ndarray:
    """PNG / JPEG (PIL when installed, else torchvision.io) or NIfTI → [h, w, c] float32 in [0, 1]."""
    lower = path.lower()
    if lower.endswith((".nii", ".nii.gz")):
        return read_nifti_slice(path)
    try:
        from PIL import Image  # type: ignore

        with Image.open(path) as im:
            im = im.convert("RGB" if im.mode in ("RGB", "RGBA", "P", "CMYK") else "L")
            arr = np.asarray(im)
    except ImportError:
        from torchvision.io import ImageReadMode, read_image

        arr = read_image(path, ImageReadMode.UNCHANGED).permute(1, 2, 0).numpy()
        if arr.shape[2] in (2, 4):  # drop alpha
            arr = arr[:, :, : arr.shape[2] - 1]
    if arr.ndim == 2:
        arr = arr[..., None]
    return arr.astype(np.float32) / (65535.0 if arr.dtype == np.uint16 else 255.0)


def _fit(img: np.ndarray, side: Tuple[int, int], channels: int) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    if img.shape[2] != channels:
        img = img.mean(axis=2, keepdims=True) if channels == 1 else np.repeat(img[:, :, :1], 3, axis=2)
    if img.shape[:2] != side:
        t = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)[None]
        t = F.interpolate(t, size=side, mode="bilinear", align_corners=False, antialias=True)
        img = t[0].permute(1, 2, 0).numpy()
    return np.clip(img, 0, 1).astype(np.float32)


def _stack(paths: List[str]) -> np.ndarray:
    first = read_image_file(paths[0])
    h, w = first.shape[:2]
    if max(h, w) > 128:  # as the page's 'auto' size: large images come down to 64 px
        h, w = 64, 64
    c = 3 if first.shape[2] == 3 else 1
    return np.stack([_fit(read_image_file(p), (h, w), c) for p in paths])


def _holdout(labels: np.ndarray, fraction: float, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """Stratified train/test split of indices (the page's testFraction, default 0.2)."""
    rng = np.random.default_rng(seed)
    test = []
    for cls in np.unique(labels):
        members = np.nonzero(labels == cls)[0]
        rng.shuffle(members)
        k = int(round(len(members) * fraction)) if len(members) > 1 else 0
        test.extend(members[:k].tolist())
    test_idx = np.array(sorted(test), dtype=np.int64)
    train_idx = np.setdiff1d(np.arange(len(labels)), test_idx)
    return train_idx, test_idx


def _take(split: Split, idx: np.ndarray) -> Split:
    return Split(
        split.images[idx],
        {k: v[idx] for k, v in split.labels.items()},
        {k: v[idx] for k, v in split.attributes.items()},
        {k: v[idx] for k, v in split.flags.items()},
    )


def read_image_folder(root: str, class_label: str, seed: int) -> Dataset:
    """root/train/<class>/* and root/test|val/<class>/*, or root/<class>/* split 80/20 by class."""
    def listing(folder: str) -> Tuple[List[str], List[str]]:
        classes = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
        files, labels = [], []
        for c in classes:
            for dirpath, _, names in sorted(os.walk(os.path.join(folder, c))):
                for n in sorted(names):
                    if _is_image(n):
                        files.append(os.path.join(dirpath, n))
                        labels.append(c)
        return files, labels

    test_dir = next((os.path.join(root, d) for d in ("test", "val") if os.path.isdir(os.path.join(root, d))), None)
    if os.path.isdir(os.path.join(root, "train")) and test_dir:
        tf, tl = listing(os.path.join(root, "train"))
        vf, vl = listing(test_dir)
        classes = sorted(set(tl) | set(vl))
        images = _stack(tf + vf)
        y = np.array([classes.index(c) for c in tl + vl], dtype=np.int32)
        train_idx, test_idx = np.arange(len(tf)), np.arange(len(tf), len(tf) + len(vf))
    else:
        files, labels = listing(root)
        if not files:
            raise FileNotFoundError(f"{root}: no image in class sub-folders")
        classes = sorted(set(labels))
        images = _stack(files)
        y = np.array([classes.index(c) for c in labels], dtype=np.int32)
        train_idx, test_idx = _holdout(y, 0.2, seed)
    whole = Split(images, {class_label: y})
    return Dataset(_info("user-images", os.path.basename(os.path.abspath(root)), images, class_label, classes, {}), _take(whole, train_idx), _take(whole, test_idx))


def read_csv_folder(csv_path: str, class_label: str, seed: int, file_column: str = "file", label_column: str = "label") -> Dataset:
    """The page's user-data CSV: `file,label,<numeric attribute>…`, files relative to the CSV.
    Bad lines and unreadable files are reported and skipped; every valid one is kept."""
    base = os.path.dirname(os.path.abspath(csv_path))
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    lines = [l for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
    sep = "," if ("," in lines[0] or ";" not in lines[0]) else ";"
    rows = list(csv.reader(lines, delimiter=sep))
    header = [h.strip() for h in rows[0]]
    if file_column not in header:
        raise ValueError(f"{csv_path}: no '{file_column}' column (columns: {', '.join(header)})")
    fi = header.index(file_column)
    li = header.index(label_column) if label_column in header else None
    attr_cols = [i for i, h in enumerate(header) if i not in (fi, li)]
    files, labels, attrs = [], [], []
    for line_no, row in enumerate(rows[1:], start=2):
        try:
            path = os.path.join(base, row[fi].strip())
            values = [float(row[i]) for i in attr_cols]
            read_image_file(path)  # fail here, with the line, rather than in the stack
        except Exception as e:  # noqa: BLE001 — one bad line must not lose the others
            print(f"{csv_path}, line {line_no}: {e}; skipped")
            continue
        files.append(path)
        labels.append(row[li].strip() if li is not None else "")
        attrs.append(values)
    if not files:
        raise ValueError(f"{csv_path}: no valid image listed")
    classes = sorted(set(labels))
    y = np.array([classes.index(c) for c in labels], dtype=np.int32)
    images = _stack(files)
    attributes = {header[i]: np.array([a[k] for a in attrs], dtype=np.float32) for k, i in enumerate(attr_cols)}
    whole = Split(images, {class_label: y}, attributes)
    train_idx, test_idx = _holdout(y, 0.2, seed)
    info = _info("user-images", os.path.basename(csv_path), images, class_label, classes, attributes)
    return Dataset(info, _take(whole, train_idx), _take(whole, test_idx))


def read_data_dir(root: str, dataset_name: str = "", class_label: str = "label", seed: int = 0) -> Dataset:
    """Finds the layout of `root` (see the module docstring) and reads it."""
    if not os.path.isdir(root):
        if root.lower().endswith(".csv") and os.path.exists(root):
            return read_csv_folder(root, class_label, seed)
        raise FileNotFoundError(f"--data-dir {root}: no such folder")
    if os.path.exists(os.path.join(root, "dataset.json")):
        return read_export_data(root)
    found = _find_mnist(root, dataset_name)
    if found:
        return read_mnist_layout(found[0], found[1], class_label)
    for cifar in (os.path.join(root, "cifar-10-batches-py"), root):
        if os.path.exists(os.path.join(cifar, "test_batch")):
            return read_cifar10(cifar, class_label)
    csvs = sorted(n for n in os.listdir(root) if n.lower().endswith(".csv"))
    if csvs:
        return read_csv_folder(os.path.join(root, "labels.csv" if "labels.csv" in csvs else csvs[0]), class_label, seed)
    if any(os.path.isdir(os.path.join(root, d)) for d in os.listdir(root)):
        return read_image_folder(root, class_label, seed)
    raise ValueError(
        f"--data-dir {root}: not a known layout (MNIST/FashionMNIST raw IDX files, cifar-10-batches-py, "
        "an ImageFolder of class sub-folders, or a CSV of file,label,attributes)"
    )
