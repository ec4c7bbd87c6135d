"""Every annotated hand reaches the model as mmdet ground truth."""
import json
import os.path as osp

import numpy as np
import pytest

from baa_mm.datasets import RSNABoneAgeDataset
from baa_mm.datasets.phantom import generate_phantom_split
from baa_mm.utils import register_all_modules

PIPELINE = [
    dict(type='LoadRadiograph'),
    dict(type='LoadHandInstances'),
    dict(_scope_='mmdet', type='Resize', scale=(32, 32), keep_ratio=False),
    dict(_scope_='mmdet', type='RandomFlip', prob=1.0),
    dict(type='PackBoneAgeInputs'),
]


@pytest.fixture(scope='module')
def v2_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('v2'))
    generate_phantom_split(root, 'train', 12, img_size=64, seed=3,
                           style='v2',
                           v2_options=dict(p_second_hand=0.6))
    return root


def _dataset(root, pipeline=PIPELINE):
    register_all_modules()
    return RSNABoneAgeDataset(
        data_root=root, ann_file='train.csv',
        data_prefix=dict(img_path='train'),
        hand_ann_file='annotations/train_hand_masks.json', pipeline=pipeline)


def test_all_hands_packed_resized_and_flipped(v2_root):
    ds = _dataset(v2_root)
    with open(osp.join(v2_root, 'annotations', 'train_hand_masks.json')) as f:
        coco = json.load(f)
    counts = {}
    for a in coco['annotations']:
        counts[a['image_id']] = counts.get(a['image_id'], 0) + 1
    assert max(counts.values()) == 2  # some images have a second hand
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        item = ds[i]
        sample = item['data_samples']
        gt = sample.gt_instances
        assert len(gt) == len(info['hands'])
        k = sample.metainfo['primary_hand']
        assert info['hands'][k]['primary']
        masks = gt.masks.to_ndarray()
        assert masks.shape == (len(gt), 32, 32)
        # the 64 px box, halved and mirrored, is the packed box
        x1, y1, x2, y2 = info['hands'][k]['bbox']
        exp = np.array([32 - x2 / 2, y1 / 2, 32 - x1 / 2, y2 / 2])
        np.testing.assert_allclose(gt.bboxes.tensor[k].numpy(), exp,
                                   atol=1e-4)
        ys, xs = np.nonzero(masks[k])
        assert exp[0] - 1 <= xs.min() and xs.max() <= exp[2] + 1


def test_missing_hands_key_and_required(v2_root, tmp_path):
    register_all_modules()
    ds = RSNABoneAgeDataset(data_root=v2_root, ann_file='train.csv',
                            data_prefix=dict(img_path='train'),
                            pipeline=PIPELINE)
    with pytest.raises(KeyError, match='hand_ann_file'):
        ds[0]
    # an image without annotation: zero instances, or an error on request
    ann = json.load(open(osp.join(v2_root, 'annotations',
                                  'train_hand_masks.json')))
    first = ann['images'][0]['id']
    ann['annotations'] = [a for a in ann['annotations']
                          if a['image_id'] != first]
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(ann))
    ds = RSNABoneAgeDataset(data_root=v2_root, ann_file='train.csv',
                            data_prefix=dict(img_path='train'),
                            hand_ann_file=str(path), pipeline=PIPELINE)
    idx = [i for i in range(len(ds))
           if ds.get_data_info(i)['img_id'] == str(first)][0]
    assert len(ds[idx]['data_samples'].gt_instances) == 0
    strict = [dict(p) for p in PIPELINE]
    strict[1] = dict(type='LoadHandInstances', require=True)
    ds = RSNABoneAgeDataset(data_root=v2_root, ann_file='train.csv',
                            data_prefix=dict(img_path='train'),
                            hand_ann_file=str(path), pipeline=strict)
    with pytest.raises(ValueError, match=f'{first}.png'):
        ds[idx]
