"""Shared fixtures: small data sets the tests write themselves."""
import csv
import importlib.util
import json
import logging
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..'))
SHARED_DATA = osp.abspath(osp.join(REPO, '..', 'shared', 'data'))


def write_rsna_folder(root: str, n: int = 12, size: int = 48,
                      layout: str = 'train', seed: int = 0,
                      split: str = 'train') -> str:
    """Write ``<root>/<split>/<id>.png`` and ``<root>/<split>.csv``.

    The image brightness encodes the age a little so that the values seen in
    tests are not all alike.  Returns the CSV path.
    """
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, split), exist_ok=True)
    rows = []
    for i in range(n):
        age = float(rng.uniform(12, 216))
        male = bool(rng.integers(0, 2))
        img = (rng.random((size, size)) * 80 + age / 2).astype(np.uint8)
        cv2.imwrite(osp.join(root, split, f'{1000 + i}.png'), img)
        rows.append((str(1000 + i), age, male))
    path = osp.join(root, f'{split}.csv')
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        if layout == 'train':
            w.writerow(['id', 'boneage', 'male'])
            w.writerows([(i, f'{a:.1f}', str(m)) for i, a, m in rows])
        elif layout == 'val':
            w.writerow(['Image ID', 'male', 'Bone Age (months)'])
            w.writerows([(i, str(m).upper(), f'{a:.1f}') for i, a, m in rows])
        else:
            raise ValueError(layout)
    return path


def write_hand_coco(img_dir: str, out_file: str) -> str:
    """A COCO instances file with one ``hand`` per PNG in ``img_dir``.

    The hand is a rectangle polygon over the middle of the image (x from 20 %
    to 80 %, y from 15 % to 95 %), marked ``primary``; image ids are the
    numeric file stems (as ``pseudo_hand_masks.py`` writes them).  Returns
    ``out_file``.
    """
    images, annotations = [], []
    for name in sorted(os.listdir(img_dir)):
        if not name.endswith('.png'):
            continue
        h, w = cv2.imread(osp.join(img_dir, name), cv2.IMREAD_UNCHANGED
                          ).shape[:2]
        img_id = int(osp.splitext(name)[0])
        x1, y1, x2, y2 = 0.2 * w, 0.15 * h, 0.8 * w, 0.95 * h
        images.append(dict(id=img_id, file_name=name, width=w, height=h))
        annotations.append(dict(
            id=len(annotations) + 1, image_id=img_id, category_id=1,
            segmentation=[[x1, y1, x2, y1, x2, y2, x1, y2]],
            bbox=[x1, y1, x2 - x1, y2 - y1], area=(x2 - x1) * (y2 - y1),
            iscrowd=0, primary=True))
    os.makedirs(osp.dirname(out_file) or '.', exist_ok=True)
    with open(out_file, 'w') as f:
        json.dump(dict(images=images, annotations=annotations,
                       categories=[dict(id=1, name='hand')]), f)
    return out_file


@pytest.fixture
def mm_log():
    """Records of what is logged through mmengine's current MMLogger.

    MMLogger does not propagate to the root logger, so pytest's ``caplog``
    never sees it; this attaches a handler to the logger instance the code
    under test gets from ``MMLogger.get_current_instance()``.  Yields the
    list of ``logging.LogRecord``.
    """
    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def rsna_folder(tmp_path):
    write_rsna_folder(str(tmp_path), layout='train', split='train')
    write_rsna_folder(str(tmp_path), layout='val', split='val', seed=1, n=6)
    return str(tmp_path)


@pytest.fixture(scope='session')
def phantom_root(tmp_path_factory):
    """A tiny phantom data set (train/val/test) at 64 px, generated once."""
    from baa_mm.datasets.phantom import generate_phantom_dataset
    root = str(tmp_path_factory.mktemp('phantom'))
    generate_phantom_dataset(root, num_train=16, num_val=8, num_test=8,
                             img_size=64, seed=0)
    return root


@pytest.fixture(scope='session')
def wholebody_phantom_root(tmp_path_factory):
    """A tiny whole-body phantom set (train/val/test, 128 x 384, with the
    body / informative box files), generated once."""
    from baa_mm.datasets import generate_wholebody_phantom
    root = str(tmp_path_factory.mktemp('wholebody_phantom'))
    generate_wholebody_phantom(root, num_train=6, num_val=3, num_test=3,
                               seed=0)
    return root


def run_tool(args, cwd=REPO, env=None, timeout=600):
    """Run a command with this interpreter; fail with its output."""
    full_env = dict(os.environ, PYTHONPATH=REPO)
    full_env.update(env or {})
    proc = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(
            f'{" ".join(args)} exited {proc.returncode}\n--- stdout ---\n'
            f'{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}')
    return proc


PYTHON = sys.executable


def load_tool(relpath: str):
    """Import a script under ``tools/`` (not a package) to test its
    functions; the one place tests load a file by path."""
    path = osp.join(REPO, relpath)
    name = 'baa_mm_tool_' + osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
