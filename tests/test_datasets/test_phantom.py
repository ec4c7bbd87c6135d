"""Tests of the synthetic hand-radiograph generator (phantom)."""
import ast
import csv
import filecmp
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from baa_mm.datasets import phantom as gen

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PHANTOM_DIR = osp.join(REPO_ROOT, 'baa_mm', 'datasets', 'phantom')
CLI_FILE = osp.join(REPO_ROOT, 'tools', 'dataset_converters',
                    'generate_phantom.py')


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


def _imported_modules(path):
    """Absolute names of the modules a source file imports."""
    package = osp.relpath(osp.dirname(path), REPO_ROOT).split(os.sep)
    with open(path) as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level \
                else []
            yield '.'.join(base + [node.module] if node.module else base)


def test_generator_needs_only_numpy_and_opencv():
    # The phantom modules import the standard library, numpy, OpenCV, each
    # other and the hand-mask polygons, never torch / mmengine.
    allowed = {'numpy', 'cv2', '__future__'} | set(sys.stdlib_module_names)
    files = glob.glob(osp.join(PHANTOM_DIR, '**', '*.py'), recursive=True)
    assert len(files) > 10
    for path in files:
        for name in _imported_modules(path):
            assert (name.split('.')[0] in allowed
                    or name.startswith('baa_mm.datasets.phantom')
                    or name == 'baa_mm.datasets.hand_masks'), (path, name)


def test_cli_runs_as_script(tmp_path):
    out = str(tmp_path / 'cli')
    code = ('import runpy, sys; '
            f'sys.argv = [{CLI_FILE!r}, {out!r}, "--num-train", "2", '
            '"--num-val", "1", "--num-test", "1", "--img-size", "64"]; '
            f'runpy.run_path({CLI_FILE!r}, run_name="__main__")')
    res = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert 'train' in res.stdout
    assert osp.isfile(osp.join(out, 'meta.json'))
    assert osp.isfile(osp.join(out, 'annotations', 'test_hand_masks.json'))


# --------------------------------------------------------------------------
# v1 is frozen: hashes computed before style v2 was added.
# --------------------------------------------------------------------------

#: (index, seed, img_size) -> sha256 of image bytes, sha256 of mask bytes.
_V1_ARRAY_SHA256 = {
    (0, 0, 256):
    ('8784b3d8debc1aaca717c5c0dd9691fb2d122dd96edfbcd2cf7ebaea4b2a8aae',
     'f8bcaf1db80628265e83bd458e1c673850798715139f1eafa786a91c159bdb19'),
    (7, 3, 128):
    ('b6297b6dc42d7aa1cb76911a3136fb464691473bf0231d276cce681676b87830',
     '7503f180e7c78cc0acfbbbdecd7680543c8cf11e62c55484124d4d24d4e2d278'),
    (100000, 1, 64):
    ('d83610331bc37c09bce2ea868e0ac0ad92ac6e923e5f148b4a57cd95063235cc',
     'd6b06fc21e57ed4c2490a6171b9a5691106ea3d7fd3cf2270a820cdfe1a0cc14'),
}
#: generate_phantom_split(root, 'train', 3, img_size=64, seed=0): CSV, COCO.
_V1_SPLIT_SHA256 = (
    '0b43ee349268f300f34675162fa14f9d783658e0e3c473d2d4b8aa94d11a45bd',
    'fda7ce80b2e1ff4a6678ca02e0c53f0f08e45f07dae621107c21eb2c13554aed')


def _sha256(data):
    import hashlib
    return hashlib.sha256(data).hexdigest()


def test_v1_output_is_unchanged(tmp_path):
    for (index, seed, size), (img_hash, mask_hash) in _V1_ARRAY_SHA256.items():
        s = gen.render_phantom(index, seed, size)
        assert s.style == 'v1' and s.distractor_mask is None
        assert _sha256(s.image.tobytes()) == img_hash, (index, seed, size)
        assert _sha256(s.mask.tobytes()) == mask_hash, (index, seed, size)
        # the explicit default is the same thing
        assert np.array_equal(
            gen.render_phantom(index, seed, size, style='v1').image, s.image)
    root = str(tmp_path)
    gen.generate_phantom_split(root, 'train', 3, img_size=64, seed=0)
    files = (osp.join(root, 'train.csv'),
             osp.join(root, 'annotations', 'train_hand_masks.json'))
    for f, expected in zip(files, _V1_SPLIT_SHA256):
        with open(f, 'rb') as fh:
            assert _sha256(fh.read()) == expected, f


# --------------------------------------------------------------------------
# Style v2.
# --------------------------------------------------------------------------

#: Every distractor likely, so that few images cover every kind.
_BUSY = dict(p_collimation=0.6, p_second_hand=0.6, p_frame=0.4, p_ruler=0.6,
             p_marker=0.9, p_tag=0.8)
_ALL_ZERO = {f'p_{n}': 0.0 for n in gen.DISTRACTOR_NAMES}


def _v2(index, size=128, seed=1, **opts):
    return gen.render_phantom(index, seed, size, style='v2',
                              v2_options=dict(_BUSY, **opts))


def _poly_iou(polys, mask):
    from pycocotools import mask as mask_utils
    h, w = mask.shape
    rles = mask_utils.frPyObjects(polys, h, w)
    decoded = mask_utils.decode(mask_utils.merge(rles)).astype(bool)
    return (decoded & mask).sum() / (decoded | mask).sum()


def _box_pixels(boxes, shape):
    out = np.zeros(shape, bool)
    for b in boxes:
        x1, y1, x2, y2 = b['bbox']
        out[int(np.floor(y1)):int(np.ceil(y2)),
            int(np.floor(x1)):int(np.ceil(x2))] = True
    return out


@pytest.fixture(scope='module')
def v2_samples():
    """40 busy v2 samples at 128 px, rendered once."""
    return [_v2(i) for i in range(40)]


def test_v2_options_and_style_validation():
    assert gen.resolve_v2_options() == gen.DEFAULT_V2_OPTIONS
    assert gen.resolve_v2_options(dict(p_marker=1))['p_marker'] == 1.0
    with pytest.raises(ValueError):
        gen.resolve_v2_options(dict(p_nope=0.5))
    with pytest.raises(ValueError):
        gen.resolve_v2_options(dict(p_marker=1.5))
    with pytest.raises(ValueError):
        gen.resolve_v2_options(dict(max_rotation=200))
    with pytest.raises(ValueError):
        gen.render_phantom(0, 0, 64, style='v3')
    with pytest.raises(ValueError):  # options need style v2
        gen.render_phantom(0, 0, 64, v2_options=dict(p_marker=1))
    assert gen.parse_img_size(96) == (96, 96)
    assert gen.parse_img_size('320x256') == (320, 256)
    assert gen.parse_img_size((320, 256)) == (320, 256)
    with pytest.raises(ValueError):
        gen.parse_img_size((16, 256))


def test_v2_is_deterministic_and_keeps_the_label():
    a, b = _v2(3), _v2(3)
    assert np.array_equal(a.image, b.image)
    assert a.distractor_boxes == b.distractor_boxes
    assert all(np.array_equal(x['mask'], y['mask'])
               for x, y in zip(a.hands, b.hands))
    v1 = gen.render_phantom(3, 1, 128)
    assert (a.boneage, a.male) == (v1.boneage, v1.male)
    assert a.informative_boxes == v1.informative_boxes
    assert not np.array_equal(a.image, _v2(4).image)


def test_v2_without_distractors_is_v1():
    for i in range(4):
        v1 = gen.render_phantom(i, 2, 96)
        v2 = gen.render_phantom(i, 2, 96, style='v2', v2_options=_ALL_ZERO)
        assert np.array_equal(v1.image, v2.image)
        assert np.array_equal(v1.mask, v2.mask)
        assert v2.distractor_boxes == [] and not v2.distractor_mask.any()
        assert len(v2.hands) == 1


def test_v2_distractor_rates():
    n = 150
    opts = gen.resolve_v2_options()
    placed = {name: 0 for name in gen.DISTRACTOR_NAMES}
    skipped = dict(placed)
    for i in range(n):
        s = gen.render_phantom(i, 5, 96, style='v2')
        for name in {d['name'] for d in s.distractor_boxes}:
            placed[name] += 1
        for name in set(s.skipped_distractors):
            skipped[name] += 1
    for name in gen.DISTRACTOR_NAMES:
        p = opts[f'p_{name}']
        drawn = (placed[name] + skipped[name]) / n
        # drawn at the configured rate (3 binomial sigma), rarely no room
        assert abs(drawn - p) < 3 * np.sqrt(p * (1 - p) / n) + 0.01, name
        assert skipped[name] / n < 0.1, (name, skipped[name])
    # probability 1 / 0
    ones = {f'p_{name}': 1.0 for name in gen.DISTRACTOR_NAMES}
    for i in range(10):
        s = gen.render_phantom(i, 5, 128, style='v2', v2_options=ones)
        names = {d['name'] for d in s.distractor_boxes}
        assert names | set(s.skipped_distractors) == set(
            gen.DISTRACTOR_NAMES)
    # presence is monotone in the probability
    for i in range(20):
        lo = gen.render_phantom(i, 5, 64, style='v2',
                                v2_options=dict(_ALL_ZERO, p_marker=0.3))
        hi = gen.render_phantom(i, 5, 64, style='v2',
                                v2_options=dict(_ALL_ZERO, p_marker=0.7))
        if lo.distractor_boxes:
            assert lo.distractor_boxes == hi.distractor_boxes


def test_v2_distractor_kinds_look_right(v2_samples):
    seen = {}
    for s in v2_samples:
        for d in s.distractor_boxes:
            assert d['name'] in gen.DISTRACTOR_NAMES
            x1, y1, x2, y2 = d['bbox']
            assert 0 <= x1 < x2 <= 128 and 0 <= y1 < y2 <= 128, d
            seen.setdefault(d['name'], []).append((s, d))
    assert set(seen) == set(gen.DISTRACTOR_NAMES)
    for s, d in seen['marker']:
        assert d['text'] in ('L', 'R')
        x1, y1, x2, y2 = [int(v) for v in d['bbox']]
        # a very bright letter (blurred at 128 px)
        assert s.image[y1:y2, x1:x2].max() > 200
    for s, d in seen['ruler']:
        x1, y1, x2, y2 = d['bbox']
        assert max(x2 - x1, y2 - y1) > 4 * min(x2 - x1, y2 - y1)
    for _, d in seen['tag']:
        assert d['text'] and d['style'] in ('text', 'label_bright',
                                            'label_dark')
    for s, d in seen['collimation']:
        assert d['outside'] in ('dark', 'bright') and len(d['polygon']) == 8
    for s, d in seen['second_hand']:
        assert len(s.hands) == 2 and d['boneage'] == s.hands[1]['boneage']
        ys, xs = np.nonzero(s.hands[1]['mask'])
        assert d['bbox'] == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
        if d['same_age']:
            assert s.hands[1]['boneage'] == s.boneage
        else:
            assert abs(s.hands[1]['boneage'] - s.boneage) >= 36
        assert s.hands[1]['mirrored'] and not s.hands[1]['primary']
    assert any(d['same_age'] for _, d in seen['second_hand'])
    assert not all(d['same_age'] for _, d in seen['second_hand'])


def test_v2_masks_exact_and_free_of_distractors(v2_samples):
    n_second = 0
    for s in v2_samples:
        dm = s.distractor_mask
        assert s.hands[0]['primary'] and s.hands[0]['mask'] is s.mask
        n_second += len(s.hands) - 1
        for h in s.hands:
            m = h['mask']
            assert m.any()
            assert not (m & dm).any()
            # markers, tags and rulers sit off the hands
            for d in s.distractor_boxes:
                if d['name'] in ('marker', 'tag', 'ruler'):
                    x1, y1, x2, y2 = [int(v) for v in d['bbox']]
                    assert not m[y1:y2, x1:x2].any(), d
        if len(s.hands) == 2:
            assert not (s.hands[0]['mask'] & s.hands[1]['mask']).any()
    assert n_second >= 10


def test_v2_informative_boxes_free_of_distractors(v2_samples):
    for i, s in enumerate(v2_samples):
        boxes = _box_pixels(s.informative_boxes, s.image.shape)
        assert not (boxes & s.distractor_mask).any(), i
        for h in s.hands[1:]:
            assert not (boxes & h['mask']).any(), i
        # the pixels of the informative boxes are those of the v1 image
        if i < 12:
            v1 = gen.render_phantom(i, 1, 128)
            diff = np.abs(v1.image.astype(int) - s.image.astype(int))
            assert diff[boxes].max() <= 1, i


def test_v2_coco_annotations(tmp_path):
    root = str(tmp_path)
    opts = dict(_BUSY, p_second_hand=0.9)
    gen.generate_phantom_split(root, 'train', 12, img_size=96, seed=1,
                               style='v2', v2_options=opts)
    with open(osp.join(root, 'annotations', 'train_hand_masks.json')) as f:
        coco = json.load(f)
    assert coco['info']['style'] == 'v2'
    assert coco['info']['v2_options'] == gen.resolve_v2_options(opts)
    assert len({a['id'] for a in coco['annotations']}) == len(
        coco['annotations'])
    by_image = {}
    for a in coco['annotations']:
        by_image.setdefault(a['image_id'], []).append(a)
    n_two = 0
    for img in coco['images']:
        s = gen.render_phantom(img['id'], 1, 96, style='v2', v2_options=opts)
        anns = by_image[img['id']]
        assert [a['primary'] for a in anns] == [True] + [False] * (
            len(anns) - 1)
        assert len(anns) == len(s.hands)
        n_two += len(anns) == 2
        assert img['boneage'] == s.boneage == anns[0]['boneage']
        assert img['informative_boxes'] == anns[0]['informative_boxes'] == \
            s.informative_boxes
        assert img['distractor_boxes'] == json.loads(
            json.dumps(s.distractor_boxes))
        for a, h in zip(anns, s.hands):
            assert a['category_id'] == 1 and a['iscrowd'] == 0
            assert a['area'] == int(h['mask'].sum())
            ys, xs = np.nonzero(h['mask'])
            assert a['bbox'] == [xs.min(), ys.min(), xs.max() - xs.min() + 1,
                                 ys.max() - ys.min() + 1]
            iou = _poly_iou(a['segmentation'], h['mask'])
            assert iou > 0.97, (img['id'], a['primary'], iou)
    assert n_two >= 4
    with open(osp.join(root, 'train.csv')) as f:
        rows = list(csv.DictReader(f))
    assert [float(r['boneage']) for r in rows] == [
        i['boneage'] for i in coco['images']]


def test_v2_split_bytes_worker_independent(tmp_path):
    roots = []
    for name, workers in (('a', 0), ('b', 2)):
        root = str(tmp_path / name)
        gen.generate_phantom_split(root, 'train', 6, img_size=64, seed=2,
                                   num_workers=workers, style='v2',
                                   v2_options=_BUSY)
        roots.append(_split_files(root, 'train'))
    assert _same_bytes(*roots)


def test_v2_full_rotation():
    angles = []
    for i in range(24):
        s = _v2(i, size=96, max_rotation=180)
        for b in s.informative_boxes:  # the whole hand stays in the image
            assert b['visible']
            x1, y1, x2, y2 = b['bbox']
            assert 0 < x1 < x2 < 96 and 0 < y1 < y2 < 96
        names = gen.INFORMATIVE_BOX_NAMES
        carp = s.informative_boxes[0]['bbox']
        tip = s.informative_boxes[names.index(
            'middle_distal_phalanx_epiphysis')]['bbox']
        dx = (tip[0] + tip[2]) - (carp[0] + carp[2])
        dy = (tip[1] + tip[3]) - (carp[1] + carp[3])
        angles.append(np.degrees(np.arctan2(dx, -dy)) % 360)
    hist = np.histogram(angles, bins=4, range=(0, 360))[0]
    assert (hist > 0).all(), hist  # fingers point everywhere


def test_v2_large_and_non_square_images():
    opts = {f'p_{n}': 1.0 for n in gen.DISTRACTOR_NAMES}
    big = gen.render_phantom(0, 3, 2048, style='v2', v2_options=opts)
    small = gen.render_phantom(0, 3, 256, style='v2', v2_options=opts)
    assert big.image.shape == big.mask.shape == (2048, 2048)
    # structures scale with the image
    for b, s in zip(big.informative_boxes, small.informative_boxes):
        for vb, vs in zip(b['bbox'], s['bbox']):
            assert abs(vb - 8 * vs) < 8 * 1.0, (b, s)
    assert abs(big.mask.sum() / small.mask.sum() / 64 - 1) < 0.05
    assert not (big.mask & big.distractor_mask).any()
    boxes = _box_pixels(big.informative_boxes, big.image.shape)
    assert not (boxes & big.distractor_mask).any()
    marker = [d for d in big.distractor_boxes if d['name'] == 'marker']
    assert marker and marker[0]['bbox'][2] - marker[0]['bbox'][0] > 80

    wide = gen.render_phantom(1, 3, (320, 256), style='v2', v2_options=opts)
    assert wide.image.shape == wide.mask.shape == (256, 320)
    v1 = gen.render_phantom(1, 3, (256, 384))
    assert v1.image.shape == (384, 256) and 0.1 < v1.mask.mean() < 0.7
    for b in v1.informative_boxes:
        assert b['visible']


def test_v2_dataset_meta_and_cli(tmp_path):
    root = str(tmp_path / 'v2')
    kwargs = dict(num_train=2, num_val=1, num_test=1, img_size=64, seed=7)
    gen.generate_phantom_dataset(root, style='v2', **kwargs)
    with open(osp.join(root, 'meta.json')) as f:
        meta = json.load(f)
    assert meta['style'] == 'v2' and meta['style_version'] == '2.0'
    assert meta['v2_options'] == gen.DEFAULT_V2_OPTIONS
    assert gen.generate_phantom_dataset(root, style='v2', **kwargs)['skipped']
    # v1 or other options regenerate
    assert not gen.generate_phantom_dataset(
        root, style='v2', v2_options=dict(p_marker=1), **kwargs)['skipped']
    assert not gen.generate_phantom_dataset(root, **kwargs)['skipped']
    with open(osp.join(root, 'meta.json')) as f:
        assert 'style' not in json.load(f)

    import runpy
    cli = runpy.run_path(CLI_FILE)  # defines main() without running it
    out = str(tmp_path / 'cli')
    summary = cli['main']([
        out, '--num-train', '2', '--num-val', '1', '--num-test', '1',
        '--img-size', '80x64', '--style', 'v2', '--p-marker', '1',
        '--full-rotation'
    ])
    assert not summary['skipped']
    with open(osp.join(out, 'meta.json')) as f:
        meta = json.load(f)
    assert meta['img_size'] == [80, 64]
    assert meta['v2_options']['p_marker'] == 1.0
    assert meta['v2_options']['max_rotation'] == 180.0
    with open(osp.join(out, 'annotations', 'val_hand_masks.json')) as f:
        img = json.load(f)['images'][0]
    assert (img['width'], img['height']) == (80, 64)
    assert any(d['name'] == 'marker' for d in img['distractor_boxes'])
    with pytest.raises(SystemExit):  # v2 flags need --style v2
        cli['main']([out, '--p-marker', '1'])
