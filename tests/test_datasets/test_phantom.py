# Copyright (c) baa_mm contributors. All rights reserved.
"""Tests of the synthetic hand-radiograph generator (phantom).

The generator is loaded by file path so that these tests neither need nor
import torch / mmengine (``baa_mm/datasets/__init__.py`` does).
"""
import csv
import filecmp
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
GENERATOR_FILE = osp.join(REPO_ROOT, 'baa_mm', 'datasets', 'phantom',
                          'generator.py')
CLI_FILE = osp.join(REPO_ROOT, 'tools', 'dataset_converters',
                    'generate_phantom.py')
_MODULE_NAME = 'baa_mm_phantom_generator'


def _load_generator():
    if _MODULE_NAME in sys.modules:
        return sys.modules[_MODULE_NAME]
    spec = importlib.util.spec_from_file_location(_MODULE_NAME,
                                                  GENERATOR_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _split_files(root, split):
    img_dir = osp.join(root, split)
    pngs = sorted(os.listdir(img_dir))
    return ([osp.join(img_dir, p) for p in pngs] +
            [osp.join(root, f'{split}.csv'),
             osp.join(root, 'annotations', f'{split}_hand_masks.json')])


def _same_bytes(files_a, files_b):
    assert [osp.basename(f) for f in files_a] == [
        osp.basename(f) for f in files_b]
    return all(filecmp.cmp(a, b, shallow=False)
               for a, b in zip(files_a, files_b))


@pytest.fixture(scope='module')
def split_dir(tmp_path_factory):
    """A small split (10 images, 128 px) generated once for several tests."""
    root = str(tmp_path_factory.mktemp('phantom'))
    summary = gen.generate_phantom_split(
        root, 'val', 10, img_size=128, seed=3, id_offset=100000)
    return root, summary


def test_render_is_deterministic():
    a = gen.render_phantom(5, seed=11)
    b = gen.render_phantom(5, seed=11)
    assert a.image.dtype == np.uint8 and a.image.shape == (256, 256)
    assert a.mask.dtype == np.bool_ and a.mask.shape == (256, 256)
    assert np.array_equal(a.image, b.image)
    assert np.array_equal(a.mask, b.mask)
    assert a.informative_boxes == b.informative_boxes
    assert (a.boneage, a.male) == (b.boneage, b.male)
    c = gen.render_phantom(5, seed=12)
    d = gen.render_phantom(6, seed=11)
    assert not np.array_equal(a.image, c.image)
    assert not np.array_equal(a.image, d.image)


def test_split_bytes_deterministic_and_worker_independent(tmp_path):
    roots = {}
    for name, workers, seed in (('a', 0, 0), ('b', 0, 0), ('c', 2, 0),
                                ('d', 0, 1)):
        root = str(tmp_path / name)
        gen.generate_phantom_split(
            root, 'train', 12, img_size=96, seed=seed, num_workers=workers)
        roots[name] = _split_files(root, 'train')
    assert len(roots['a']) == 12 + 2
    assert _same_bytes(roots['a'], roots['b'])  # same seed twice
    assert _same_bytes(roots['a'], roots['c'])  # 2 workers
    # a different seed gives different images
    assert not any(
        filecmp.cmp(a, d, shallow=False)
        for a, d in zip(roots['a'][:12], roots['d'][:12]))


def test_csv_layout(split_dir):
    root, summary = split_dir
    assert summary['num_images'] == 10 and summary['seconds'] >= 0
    with open(osp.join(root, 'val.csv'), newline='') as f:
        lines = f.read().splitlines()
    assert lines[0] == 'id,boneage,male'
    rows = list(csv.DictReader(lines))
    assert [int(r['id']) for r in rows] == list(range(100000, 100010))
    for r in rows:
        assert 1.0 <= float(r['boneage']) <= 228.0
        assert r['male'] in ('True', 'False')
        assert osp.isfile(osp.join(root, 'val', f"{r['id']}.png"))
    # the CSV labels are the ones the images were rendered with
    for r in rows[:3]:
        s = gen.render_phantom(int(r['id']), seed=3, img_size=128)
        assert f'{s.boneage:.1f}' == r['boneage']
        assert str(s.male) == r['male']


def test_coco_annotations_and_polygon_round_trip(split_dir):
    from pycocotools import mask as mask_utils
    root, _ = split_dir
    with open(osp.join(root, 'annotations', 'val_hand_masks.json')) as f:
        coco = json.load(f)
    assert coco['categories'] == [
        dict(id=1, name='hand', supercategory='hand')
    ]
    assert len(coco['images']) == len(coco['annotations']) == 10
    for img, ann in zip(coco['images'], coco['annotations']):
        assert img['file_name'] == f"{img['id']}.png"
        assert img['width'] == img['height'] == 128
        assert ann['image_id'] == img['id'] and ann['category_id'] == 1
        assert ann['iscrowd'] == 0
        assert isinstance(img['male'], bool)
        assert [b['name'] for b in img['informative_boxes']
                ] == list(gen.INFORMATIVE_BOX_NAMES)
        assert ann['informative_boxes'] == img['informative_boxes']
        s = gen.render_phantom(img['id'], seed=3, img_size=128)
        assert ann['area'] == int(s.mask.sum())
        ys, xs = np.nonzero(s.mask)
        assert ann['bbox'] == [
            xs.min(), ys.min(), xs.max() - xs.min() + 1,
            ys.max() - ys.min() + 1
        ]
        assert len(ann['segmentation']) >= 1
        assert all(
            len(p) >= 6 and len(p) % 2 == 0 for p in ann['segmentation'])
        rles = mask_utils.frPyObjects(ann['segmentation'], 128, 128)
        decoded = mask_utils.decode(mask_utils.merge(rles)).astype(bool)
        iou = (decoded & s.mask).sum() / (decoded | s.mask).sum()
        assert iou > 0.97, iou


def test_polygon_round_trip_full_size():
    from pycocotools import mask as mask_utils
    for i in range(4):
        s = gen.render_phantom(i, seed=0)
        polys = gen.mask_to_polygons(s.mask)
        rles = mask_utils.frPyObjects(polys, 256, 256)
        decoded = mask_utils.decode(mask_utils.merge(rles)).astype(bool)
        iou = (decoded & s.mask).sum() / (decoded | s.mask).sum()
        assert iou > 0.97, iou


def test_mask_covers_the_hand():
    for i in range(8):
        s = gen.render_phantom(i, seed=4)
        frac = s.mask.mean()
        assert 0.1 < frac < 0.7, frac
        bg = np.median(s.image[~s.mask])
        tissue = np.median(s.image[s.mask])
        thr = (bg + tissue) / 2
        bright = s.image > thr
        # bright (tissue or bone) pixels lie in the mask ...
        assert (bright & s.mask).sum() / bright.sum() > 0.98
        # ... and the mask is not much larger than the bright region
        assert (bright & s.mask).sum() / s.mask.sum() > 0.9
        # dark background around, brighter hand, bones brighter still
        assert bg < 60 and tissue > bg + 30
        assert np.percentile(s.image[s.mask], 99) > tissue + 40


def test_carpal_centres_appear_and_grow_with_maturity():
    maturities = np.arange(0, 229, 3)
    counts = [gen.num_visible_carpals(m) for m in maturities]
    assert counts[0] == 0 and counts[-1] == 8
    assert gen.num_visible_carpals(150) == 8  # all 8 by late childhood
    assert all(a <= b for a, b in zip(counts, counts[1:]))
    assert len(set(counts)) == 9  # they appear one after another
    radii = np.stack([gen.carpal_radii_for_maturity(m) for m in maturities])
    assert np.all(np.diff(radii, axis=0) >= 0)
    assert 1.0 <= radii[radii > 0].min() <= 2.0
    assert 8.0 <= radii.max() <= 10.0


def test_carpal_region_gets_brighter_with_age():
    # Same hand (seed, index) and nuisance, only the age differs.
    bright = []
    for age in (3, 40, 90, 150, 200):
        s = gen.render_phantom(2, seed=5, boneage=age, male=True)
        x1, y1, x2, y2 = [int(round(v)) for v in s.informative_boxes[0][
            'bbox']]
        patch = s.image[y1:y2, x1:x2].astype(np.float32)
        tissue = np.median(s.image[s.mask])
        bright.append(int((patch > tissue + 40).sum()))
    assert all(a < b for a, b in zip(bright, bright[1:])), bright


def test_epiphysis_kinetics():
    for kind in ('proximal_phalanx', 'middle_phalanx', 'distal_phalanx',
                 'radius', 'ulna'):
        states = [
            gen.epiphysis_state_for_maturity(m, kind)
            for m in np.arange(0, 229, 4)
        ]
        assert states[0]['present'] == 0 and states[-1]['present'] == 1
        assert states[-1]['fusion'] == 1.0
        present = [s for s in states if s['present']]
        widths = [s['width_ratio'] for s in present]
        gaps = [s['gap'] for s in present]
        fusion = [s['fusion'] for s in present]
        assert all(a <= b for a, b in zip(widths, widths[1:]))
        assert all(a >= b for a, b in zip(gaps, gaps[1:]))
        assert all(a <= b for a, b in zip(fusion, fusion[1:]))
        assert widths[0] < 0.5 and widths[-1] >= 1.0
        assert fusion[0] == 0.0


def test_girls_mature_earlier():
    assert gen.maturity_from_boneage(100, male=False) > \
        gen.maturity_from_boneage(100, male=True) == 100
    assert gen.maturity_from_boneage(220, male=False) == gen.MAX_BONEAGE
    boy = gen.render_phantom(1, seed=0, boneage=60.0, male=True)
    girl = gen.render_phantom(1, seed=0, boneage=60.0, male=False)
    assert girl.maturity > boy.maturity
    assert girl.boneage == boy.boneage == 60.0
    assert gen.num_visible_carpals(girl.maturity) >= gen.num_visible_carpals(
        boy.maturity)
    assert not np.array_equal(girl.image, boy.image)


def test_informative_boxes_inside_image():
    for size in (256, 128):
        for i in range(6):
            s = gen.render_phantom(i, seed=9, img_size=size)
            names = [b['name'] for b in s.informative_boxes]
            assert names == list(gen.INFORMATIVE_BOX_NAMES)
            assert len(names) == 1 + 16
            for b in s.informative_boxes:
                x1, y1, x2, y2 = b['bbox']
                assert 0 <= x1 <= x2 <= size and 0 <= y1 <= y2 <= size
                if b['visible']:
                    assert x2 > x1 and y2 > y1
                    # epiphysis / carpal sites lie in the hand
                    cx, cy = int((x1 + x2) / 2), int((y1 + y2) / 2)
                    assert s.mask[min(cy, size - 1), min(cx, size - 1)]
            # site boxes are small, the carpal box is larger
            areas = [(b['bbox'][2] - b['bbox'][0]) *
                     (b['bbox'][3] - b['bbox'][1])
                     for b in s.informative_boxes]
            assert max(areas[1:]) < areas[0] < 0.1 * size * size


def test_age_distribution():
    ages = np.array([
        gen.render_phantom(i, seed=0, img_size=32).boneage for i in range(40)
    ])
    assert ages.min() >= 6 and ages.max() <= 216 and ages.std() > 30
    with pytest.raises(ValueError):
        gen.render_phantom(0, seed=0, age_distribution='nope')


def test_speed_sanity():
    # Only a smoke test; timings are in tools/analysis_tools.
    samples = [gen.render_phantom(i, seed=1) for i in range(20)]
    assert len({s.image.tobytes() for s in samples}) == 20


def test_dataset_is_idempotent(tmp_path):
    root = str(tmp_path / 'phantom')
    kwargs = dict(num_train=3, num_val=2, num_test=2, img_size=64, seed=7)
    first = gen.generate_phantom_dataset(root, **kwargs)
    assert not first['skipped']
    with open(osp.join(root, 'meta.json')) as f:
        meta = json.load(f)
    assert meta['seed'] == 7 and meta['img_size'] == 64
    assert meta['sizes'] == dict(train=3, val=2, test=2)
    assert meta['generator_version'] == gen.GENERATOR_VERSION
    assert sorted(os.listdir(osp.join(root, 'test'))) == [
        '200000.png', '200001.png'
    ]
    assert sorted(os.listdir(osp.join(root, 'val'))) == [
        '100000.png', '100001.png'
    ]
    assert gen.generate_phantom_dataset(root, **kwargs)['skipped']
    # a missing file or other arguments trigger regeneration
    os.remove(osp.join(root, 'train', '2.png'))
    assert not gen.generate_phantom_dataset(root, **kwargs)['skipped']
    assert gen.generate_phantom_dataset(root, **kwargs)['skipped']
    assert not gen.generate_phantom_dataset(root, **dict(kwargs,
                                                         seed=8))['skipped']


def test_cli_without_torch(tmp_path):
    out = str(tmp_path / 'cli')
    code = ('import runpy, sys; '
            f'sys.argv = [{CLI_FILE!r}, {out!r}, "--num-train", "2", '
            '"--num-val", "1", "--num-test", "1", "--img-size", "64"]; '
            f'runpy.run_path({CLI_FILE!r}, run_name="__main__"); '
            'assert "torch" not in sys.modules, "CLI imported torch"')
    res = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert 'train' in res.stdout
    assert osp.isfile(osp.join(out, 'meta.json'))
    assert osp.isfile(osp.join(out, 'annotations', 'test_hand_masks.json'))
