"""Tests of the whole-body CT bone phantom generator.

Age cues are measured on the rendered pixels inside their boxes, with one
seed rendered at two ages (the nuisance draws do not depend on the age).
"""
import csv
import filecmp
import json
import os
import os.path as osp
import sys

import numpy as np
import pytest

from baa_mm.datasets import (LabelFileError, WholeBodyCTDataset,
                             generate_wholebody_phantom,
                             render_wholebody_phantom)
from baa_mm.datasets.wholebody_phantom import (CATEGORIES, aging,
                                               sample_label)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: Controlled nuisance for the age-cue measurements: no crop, arms along.
STILL = dict(p_crop=0.0, arm_pose_probs=(1, 0, 0))
SEEDS = (0, 1, 2)


def _boxes(info, category):
    return [b['bbox'] for b in info['boxes'] if b['category'] == category]


def _crop(img, box):
    x1, y1, x2, y2 = box
    return img[int(np.floor(y1)):int(np.ceil(y2)),
               int(np.floor(x1)):int(np.ceil(x2))].astype(np.float64)


def _render(age, sex, seed, **opts):
    return render_wholebody_phantom(age, sex, seed=seed, **dict(STILL,
                                                                **opts))


def _plate_dip(age, sex, seed):
    """Mean darkness of the deepest row (across the bone's central columns)
    of each growth-plate box, relative to the box's median row."""
    img, info = _render(age, sex, seed)
    dips = []
    for box in _boxes(info, 'growth_plate'):
        c = _crop(img, box)
        w = c.shape[1]
        prof = c[:, int(0.3 * w):max(int(0.7 * w), int(0.3 * w) + 1)].mean(1)
        dips.append(1.0 - prof.min() / np.median(prof))
    assert len(dips) == 6
    return float(np.mean(dips))


def _mean_in(category, age, sex, seed):
    img, info = _render(age, sex, seed)
    return float(np.mean([_crop(img, b).mean()
                          for b in _boxes(info, category)]))


def test_render_is_deterministic_and_16_bit():
    a, info_a = render_wholebody_phantom(40.0, 'F', seed=5)
    b, info_b = render_wholebody_phantom(40.0, 'female',
                                         rng=np.random.default_rng(5))
    assert a.dtype == np.uint16 and a.shape == (384, 128)
    assert a.max() > 30000  # bone fills the 16-bit range
    assert np.array_equal(a, b) and info_a == info_b
    assert not np.array_equal(a, render_wholebody_phantom(40.0, 'F',
                                                          seed=6)[0])
    big, _ = render_wholebody_phantom(40.0, 'M', seed=5, img_size=(150, 500))
    assert big.shape == (500, 150)
    # another age keeps every nuisance draw of the seed
    _, info_c = render_wholebody_phantom(80.0, 'F', seed=5)
    assert (info_c['arms'], info_c['crop']) == (info_a['arms'],
                                                info_a['crop'])
    with pytest.raises(ValueError, match='sex'):
        render_wholebody_phantom(40.0, 'X')
    with pytest.raises(ValueError, match='unknown whole-body phantom'):
        render_wholebody_phantom(40.0, 'F', p_cropp=0.1)


def test_boxes_inside_image_and_crops_drop_boxes():
    categories = set()
    for seed in range(6):
        for age in (1.0, 12.0, 45.0, 87.0):
            img, info = render_wholebody_phantom(age, 'MF'[seed % 2],
                                                 seed=seed, p_crop=0.5)
            h, w = img.shape
            for box in [dict(bbox=info['body_bbox'])] + info['boxes']:
                x1, y1, x2, y2 = box['bbox']
                assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h, box
            categories |= {b['category'] for b in info['boxes']}
            if info['crop'] is None:
                assert len(info['boxes']) == 14
    assert categories == set(CATEGORIES) - {'body'}
    # a cut-off head / feet: the body reaches the border, the boxes of the
    # shoulders / knees are dropped when mostly outside
    seen = set()
    for seed in range(12):
        img, info = render_wholebody_phantom(30.0, 'F', seed=seed,
                                             p_crop=1.0, max_crop=0.5)
        side, frac = info['crop']['side'], info['crop']['fraction']
        sites = {b['site'] for b in info['boxes']}
        if side == 'top':
            assert info['body_bbox'][1] == 0.0
            if frac > 0.3:
                seen.add(side)
                assert not sites & {'humerus_proximal_left',
                                    'humerus_proximal_right'}
        else:
            assert info['body_bbox'][3] == img.shape[0]
            if frac > 0.35:
                seen.add(side)
                assert not sites & {'femur_distal_left', 'tibia_proximal_left'}
    assert seen == {'top', 'bottom'}


def test_growth_plates_close_with_age_and_earlier_in_girls():
    for seed in SEEDS:
        assert _plate_dip(8.0, 'F', seed) > 0.3 > 0.15 > _plate_dip(
            30.0, 'F', seed)
    assert np.mean([_plate_dip(17.0, 'F', s) for s in SEEDS]) < np.mean(
        [_plate_dip(17.0, 'M', s) for s in SEEDS]) - 0.15
    for site in aging.PHYSIS_CLOSURE:
        f, m = (float(aging.physis_openness(16.0, female, site))
                for female in (True, False))
        assert f < m and aging.physis_openness(26.0, False, site) == 0.0


def test_bone_density_peaks_near_30_and_women_lose_faster():
    bmd = aging.bone_density(np.arange(0.0, 90.0, 0.5), True)
    assert 28.0 <= np.arange(0.0, 90.0, 0.5)[np.argmax(bmd)] <= 45.0
    for seed in SEEDS:  # measured in the femoral-neck boxes
        f = [_mean_in('femoral_neck', a, 'F', seed) for a in (12, 30, 80)]
        m = [_mean_in('femoral_neck', a, 'M', seed) for a in (30, 80)]
        assert f[0] < f[1] > f[2] and m[0] > m[1]
        assert (f[1] - f[2]) / f[1] > (m[0] - m[1]) / m[0] + 0.07


def _lumbar_extent(age, sex, seed):
    """Rows (px) from the top of L1 to the bottom of L5 on the pixels."""
    img, info = _render(age, sex, seed)
    c = _crop(img, _boxes(info, 'vertebrae')[0])
    w = c.shape[1]
    prof = c[:, int(0.35 * w):int(0.65 * w) + 1].mean(1)
    bright = np.flatnonzero(prof > 0.5 * (prof.min() + prof.max()))
    return bright[-1] - bright[0] + 1


def _spur_strips(age, sex, seed):
    """Mean intensity beside the vertebral bodies (where spurs grow)."""
    img, info = _render(age, sex, seed)
    c = _crop(img, _boxes(info, 'vertebrae')[0])
    h, w = c.shape
    a, b = int(round(0.04 * w)), int(round(0.18 * w))
    rows = slice(int(0.1 * h), int(0.9 * h))
    return np.concatenate([c[rows, a:b], c[rows, w - b:w - a]], 1).mean()


def test_vertebrae_lose_height_and_grow_spurs_with_age():
    for seed in SEEDS:
        for sex in 'FM':
            assert _lumbar_extent(80, sex, seed) < 0.92 * _lumbar_extent(
                30, sex, seed)
    young = np.mean([_spur_strips(30, s, k) for s in 'FM' for k in SEEDS])
    old = np.mean([_spur_strips(80, s, k) for s in 'FM' for k in SEEDS])
    assert old > 1.15 * young
    assert aging.osteophyte_probability(30) < 0.05 < 0.7 < (
        aging.osteophyte_probability(80))


def test_costal_cartilage_calcifies_with_age():
    for seed in SEEDS:
        for sex in 'FM':
            young, old = (np.concatenate([
                _crop(img, b).ravel()
                for b in _boxes(info, 'costal_cartilage')])
                for img, info in (_render(25, sex, seed),
                                  _render(75, sex, seed)))
            threshold = np.percentile(young, 99.5)
            assert (old > threshold).mean() > 0.03


def test_label_sampling_matches_the_configuration():
    rng = np.random.default_rng(0)
    paper = [sample_label(rng) for _ in range(600)]
    ages = np.array([a for a, _ in paper])
    females = np.mean([s == 'F' for _, s in paper])
    assert abs(females - 0.83) < 0.05
    assert ages.min() >= 0.7 and ages.max() <= 87.0
    assert np.mean((ages >= 40) & (ages <= 60)) > 0.45
    assert np.mean(ages < 18) > 0.03  # children are there, few
    uniform = [sample_label(rng, 'uniform', 0.3) for _ in range(600)]
    ages = np.array([a for a, _ in uniform])
    assert 0.0 <= ages.min() and ages.max() <= 90.0
    assert abs(ages.mean() - 45.0) < 4.0
    assert abs(np.mean([s == 'F' for _, s in uniform]) - 0.3) < 0.06
    with pytest.raises(ValueError, match='age_distribution'):
        sample_label(rng, 'rsna')


@pytest.fixture(scope='module')
def generated(tmp_path_factory):
    """A tiny dataset, generated in-process and with two workers."""
    roots = [str(tmp_path_factory.mktemp(f'wb{w}')) for w in (0, 2)]
    summaries = [generate_wholebody_phantom(
        root, num_train=6, num_val=3, num_test=3, seed=4, num_workers=w,
        p_crop=0.3) for root, w in zip(roots, (0, 2))]
    return roots, summaries


def _files(root):
    out = ['meta.json']
    for split in ('train', 'val', 'test'):
        out += [f'{split}.csv', f'annotations/{split}_boxes.json']
        pngs = sorted(os.listdir(osp.join(root, split)))
        out += [f'{split}/{p}' for p in pngs]
    return out


def test_generation_is_deterministic_and_idempotent(generated):
    (root0, root2), (summary, _) = generated
    files = _files(root0)
    assert files == _files(root2)
    assert len([f for f in files if f.endswith('.png')]) == 12
    assert all(filecmp.cmp(osp.join(root0, f), osp.join(root2, f),
                           shallow=False) for f in files)
    assert not summary['skipped']
    with open(osp.join(root0, 'meta.json')) as f:
        meta = json.load(f)
    assert meta['img_size'] == [128, 384] and meta['sex_ratio'] == 0.83
    assert meta['options']['p_crop'] == 0.3
    assert meta['id_offsets'] == dict(train=0, val=100000, test=200000)
    again = generate_wholebody_phantom(root0, num_train=6, num_val=3,
                                       num_test=3, seed=4, p_crop=0.3)
    assert again['skipped']
    assert not generate_wholebody_phantom(
        root0, num_train=6, num_val=3, num_test=3, seed=4, p_crop=0.3,
        force=True)['skipped']
    assert all(filecmp.cmp(osp.join(root0, f), osp.join(root2, f),
                           shallow=False) for f in files)
    with open(osp.join(root0, 'val.csv')) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['id', 'age', 'sex'] and rows[1][0] == '100000'
    assert len(rows[1][1].split('.')[1]) == 2 and rows[1][2] in 'FM'


def test_dataset_reads_images_labels_and_boxes(generated):
    root = generated[0][0]
    ds = WholeBodyCTDataset(
        ann_file='train.csv', data_root=root,
        data_prefix=dict(img_path='train'),
        box_ann_file='annotations/train_boxes.json',
        pipeline=[dict(type='LoadRadiograph'),
                  dict(type='PackBoneAgeInputs')])
    assert len(ds) == 6
    row = ds.get_data_info(0)
    x1, y1, x2, y2 = row['body_bbox']
    assert 0 <= x1 < x2 <= 128 and 0 <= y1 < y2 <= 384
    assert {b['category'] for b in row['informative_boxes']} <= set(
        CATEGORIES) - {'body'}
    item = ds[0]
    assert item['inputs'].shape == (1, 384, 128)
    sample = item['data_samples']
    assert sample.metainfo['body_bbox'] == row['body_bbox']
    assert sample.metainfo['informative_boxes'] == row['informative_boxes']
    with open(osp.join(root, 'train.csv')) as f:
        label = next(r for r in csv.DictReader(f) if r['id'] == '0')
    assert float(sample.gt_age) == pytest.approx(float(label['age']))


def test_missing_box_entry_is_an_error_naming_the_id(generated, tmp_path):
    root = generated[0][0]
    with open(osp.join(root, 'annotations', 'val_boxes.json')) as f:
        coco = json.load(f)
    coco['annotations'] = [a for a in coco['annotations']
                           if a['image_id'] != 100001]
    (tmp_path / 'boxes.json').write_text(json.dumps(coco))
    with pytest.raises(LabelFileError,
                       match=r"boxes.json: no 'body' box for image id "
                       r"'100001'"):
        WholeBodyCTDataset(ann_file=osp.join(root, 'val.csv'),
                           data_prefix=dict(img_path=osp.join(root, 'val')),
                           box_ann_file=str(tmp_path / 'boxes.json'))


def _import_tool(*parts):
    sys.path.insert(0, osp.join(REPO_ROOT, *parts[:-1]))
    try:
        return __import__(parts[-1])
    finally:
        sys.path.pop(0)


def test_tool_runs_end_to_end(tmp_path, capsys):
    tool = _import_tool('tools', 'dataset_converters',
                        'generate_wholebody_phantom')
    argv = [str(tmp_path / 'wb'), '--num-train', '3', '--num-val', '1',
            '--num-test', '1', '--img-size', '64x192', '--female-ratio',
            '0.5', '--age-distribution', 'uniform', '--p-crop', '0']
    summary = tool.main(argv)
    assert not summary['skipped']
    assert osp.isfile(tmp_path / 'wb' / 'test' / '200000.png')
    with open(tmp_path / 'wb' / 'meta.json') as f:
        meta = json.load(f)
    assert meta['img_size'] == [64, 192] and meta['sex_ratio'] == 0.5
    assert meta['age_distribution'] == 'uniform'
    assert tool.main(argv)['skipped']
    assert 'up to date' in capsys.readouterr().out


def test_vis_tool_writes_a_picture(tmp_path):
    vis = _import_tool('tools', 'analysis_tools', 'vis_wholebody_phantom')
    out = str(tmp_path / 'vis.jpg')
    picture = vis.main([out, '--people', '8M', '70F', '--img-size', '64',
                        '192'])
    assert osp.isfile(out) and picture.shape[0] == 192
    assert picture.shape[1] == 2 * 64 + 150
