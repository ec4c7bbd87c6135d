"""PartHitMetric on hand-made boxes."""
import json

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData

from baa_mm.evaluation import (PartHitMetric, box_density, box_hits,
                               centre_hits, random_boxes_like)
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules


def test_box_helpers():
    targets = np.array([[10, 10, 20, 20]])
    boxes = np.array([[0, 0, 18, 18], [0, 0, 14, 14], [50, 50, 60, 60]])
    assert box_hits(boxes, targets, 0.5)[:, 0].tolist() == [True, False,
                                                             False]
    assert centre_hits(np.array([[12, 12, 16, 16], [0, 0, 8, 8]]),
                       targets).tolist() == [True, False]
    mask = np.zeros((64, 64), bool)
    mask[10:20, 10:20] = True
    np.testing.assert_allclose(box_density(boxes, mask),
                               [64 / 324, 16 / 196, 0.])
    rand = random_boxes_like(np.array([[0, 0, 30, 10]]), 64, 48, 100,
                             np.random.default_rng(0))
    assert rand.shape == (100, 4)
    np.testing.assert_allclose(rand[:, 2] - rand[:, 0], 30)
    assert (rand[:, :2] >= 0).all() and (rand[:, 2] <= 64).all() and \
        (rand[:, 3] <= 48).all()


def _ann(tmp_path):
    ann = dict(images=[dict(
        id=7, file_name='7.png', width=100, height=100,
        informative_boxes=[dict(name='carpals', bbox=[40, 40, 60, 60],
                                visible=True),
                           dict(name='hidden', bbox=[0, 0, 100, 100],
                                visible=False)])])
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(ann))
    return str(path)


def test_metric_perfect_vs_miss(tmp_path):
    register_all_modules()
    evaluator = Evaluator(dict(type='PartHitMetric', ann_file=_ann(tmp_path),
                               num_random=50))
    sample = BoneAgeDataSample().set_gt_age(1.).set_pred_age(1.)
    sample.set_metainfo(dict(img_id=7))
    sample.pred_parts = InstanceData(
        bboxes=torch.zeros(2, 4),
        hr_bboxes=torch.tensor([[38., 38., 62., 62.], [80., 80., 100., 100.]]))
    evaluator.process([sample])
    res = evaluator.evaluate(1)
    assert res['parts/hit_rate'] == 50 and res['parts/hit_rate_rank1'] == 100
    assert res['parts/hit_rate_rank2'] == 0
    assert res['parts/centre_hit_rate'] == 50
    # the invisible whole-image box does not count, so chance is low
    assert res['parts/random_hit_rate'] < 50
    assert res['parts/density'] == pytest.approx(
        (400 / 576 + 0) / 2 * 100)


def test_metric_maps_cropped_boxes_back(tmp_path):
    """With CropToHand's crop_bbox (background-removal configs) the boxes
    are in the crop's pixels: shifted back they hit the same structure, and
    the random boxes stay inside the crop."""
    register_all_modules()
    evaluator = Evaluator(dict(type='PartHitMetric', ann_file=_ann(tmp_path),
                               num_random=50))
    sample = BoneAgeDataSample().set_gt_age(1.).set_pred_age(1.)
    sample.set_metainfo(dict(img_id=7, crop_bbox=[30, 20, 80, 90]))
    # the carpals box [40, 40, 60, 60] is [10, 20, 30, 40] in the crop
    sample.pred_parts = InstanceData(
        bboxes=torch.zeros(2, 4),
        hr_bboxes=torch.tensor([[8., 18., 32., 42.], [38., 38., 62., 62.]]))
    evaluator.process([sample])
    res = evaluator.evaluate(1)
    assert res['parts/hit_rate_rank1'] == 100  # shifted back: a hit
    assert res['parts/hit_rate_rank2'] == 0  # [68, 58, 92, 82]: a miss
    metric = PartHitMetric(ann_file=_ann(tmp_path), num_random=200)
    metric.process({}, [sample.to_dict()])
    np.testing.assert_allclose(metric.results[0]['boxes'],
                               [[38, 38, 62, 62], [68, 58, 92, 82]])
    assert metric.results[0]['crop'].tolist() == [30, 20, 80, 90]
    # chance is measured inside the crop: a box as large as the crop is
    # placed exactly on it, so it covers the carpals every time
    sample.pred_parts = InstanceData(
        bboxes=torch.zeros(1, 4), hr_bboxes=torch.tensor([[0., 0., 50., 70.]]))
    evaluator.process([sample])
    assert evaluator.evaluate(1)['parts/random_hit_rate'] == 100


def test_metric_errors(tmp_path):
    register_all_modules()
    metric = PartHitMetric(ann_file=str(tmp_path / 'missing.json'))
    with pytest.raises(FileNotFoundError, match='missing.json'):
        metric.images
    metric = PartHitMetric(ann_file=_ann(tmp_path))
    sample = BoneAgeDataSample().set_pred_age(1.)
    sample.set_metainfo(dict(img_id=7))
    sample = sample.to_dict()
    with pytest.raises(ValueError, match='pred_parts'):
        metric.process({}, [sample])
    sample['pred_parts'] = dict(bboxes=np.zeros((1, 4)))
    sample['img_id'] = 8
    with pytest.raises(KeyError, match='8'):
        metric.process({}, [sample])
