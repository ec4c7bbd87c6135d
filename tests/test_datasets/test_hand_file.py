"""Hand annotations per row, and the rule for images without one."""
import json
import logging
import os.path as osp

import pytest

from baa_mm.datasets import (LabelFileError, RSNABoneAgeDataset,
                             attach_hands)
from baa_mm.utils import register_all_modules
from conftest import write_hand_coco

PIPELINE = [
    dict(type='LoadRadiograph'),
    dict(type='LoadHandInstances', require=True),
    dict(type='PackBoneAgeInputs'),
]


@pytest.fixture
def unmasked(rsna_folder):
    """rsna_folder's train split with hand masks for all but ids 1003 and
    1007 (as the pseudo-mask converter leaves out images it cannot mask)."""
    path = osp.join(rsna_folder, 'annotations', 'train_hands.json')
    write_hand_coco(osp.join(rsna_folder, 'train'), path)
    with open(path) as f:
        coco = json.load(f)
    coco['images'] = [im for im in coco['images']
                      if im['id'] not in (1003, 1007)]
    coco['annotations'] = [a for a in coco['annotations']
                           if a['image_id'] not in (1003, 1007)]
    with open(path, 'w') as f:
        json.dump(coco, f)
    register_all_modules()
    return dict(data_root=rsna_folder, ann_file='train.csv',
                data_prefix=dict(img_path='train'),
                hand_ann_file='annotations/train_hands.json')


def test_keep_is_the_default(unmasked, mm_log):
    ds = RSNABoneAgeDataset(**unmasked)
    assert len(ds) == 12 and ds.without_hand == ['1003', '1007']
    info = ds.get_data_info(3)
    assert info['hands'] == [] and info['hand_bbox'] is None
    assert [r.getMessage() for r in mm_log] == [
        f"{ds.hand_ann_file}: 2 of 12 images have no hand annotation"]
    # the strict transform names the image and the dataset's rule
    ds = RSNABoneAgeDataset(pipeline=PIPELINE, **unmasked)
    with pytest.raises(ValueError, match="1003.png .to leave such images "
                       "out, set the dataset's missing_hand='skip'"):
        ds[3]


def test_skip_leaves_unmasked_images_out_and_logs_them(unmasked, mm_log):
    ds = RSNABoneAgeDataset(missing_hand='skip', pipeline=PIPELINE,
                            **unmasked)
    ids = [ds.get_data_info(i)['img_id'] for i in range(len(ds))]
    assert len(ds) == 10 and '1003' not in ids and '1007' not in ids
    assert ds.without_hand == ['1003', '1007']
    assert ds.skipped == []  # not bad rows: the labels are fine
    msgs = [r.getMessage() for r in mm_log if r.levelno == logging.WARNING]
    assert msgs == [f'{ds.hand_ann_file}: 2 of 12 images have no hand '
                    'annotation; left out (missing_hand="skip"): 1003, 1007']
    for i in range(len(ds)):  # every sample has its hand
        assert len(ds[i]['data_samples'].gt_instances) == 1


def test_raise_names_the_images(unmasked):
    with pytest.raises(LabelFileError, match=(
            "train_hands.json: 2 of 12 images have no hand annotation "
            ".missing_hand='raise'.: ids 1003, 1007$")):
        RSNABoneAgeDataset(missing_hand='raise', **unmasked)


def test_rule_is_checked(unmasked):
    with pytest.raises(ValueError, match='missing_hand must be one of'):
        RSNABoneAgeDataset(missing_hand='whole', **unmasked)
    kw = dict(unmasked, hand_ann_file=None)
    with pytest.raises(ValueError, match="missing_hand='skip' needs a "
                       'hand_ann_file'):
        RSNABoneAgeDataset(missing_hand='skip', **kw)
    with pytest.raises(ValueError, match='missing_hand must be one of'):
        attach_hands([], 'x.json', 'drop')


def test_skip_with_cache_scales_the_kept_hands(unmasked, tmp_path):
    from baa_mm.datasets import build_cache
    root = unmasked['data_root']
    build_cache(osp.join(root, 'train'), str(tmp_path / 'cache'),
                long_side=24, progress=False)
    ds = RSNABoneAgeDataset(missing_hand='skip',
                            img_cache=dict(cache_dir=str(tmp_path / 'cache')),
                            **unmasked)
    assert len(ds) == 10
    # 48 px images, 24 px cache: boxes halved (x from 20 % of the width)
    assert ds.get_data_info(0)['hand_bbox'][0] == pytest.approx(0.2 * 24)
