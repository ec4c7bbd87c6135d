"""HandBoxIoUMetric and box_mask_overlap on hand-made masks."""
import json
import os

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData

from baa_mm.evaluation import HandBoxIoUMetric, box_mask_overlap
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules


def _square_mask(h=10, w=10, rows=(2, 6), cols=(2, 6)):
    mask = np.zeros((h, w), bool)
    mask[rows[0]:rows[1], cols[0]:cols[1]] = True
    return mask


def test_box_mask_overlap_by_hand():
    mask = _square_mask()  # 16 px at rows/cols 2-5
    # box rows/cols 4-7: 16 px, 4 on the mask, union 28
    res = box_mask_overlap((4, 4, 8, 8), mask)
    assert res == dict(iou=4 / 28, precision=4 / 16, recall=4 / 16)
    assert box_mask_overlap((2, 2, 6, 6), mask) == dict(iou=1., precision=1.,
                                                        recall=1.)
    # the box covers the mask and 4x as much: precision 1/4, recall 1
    assert box_mask_overlap((0, 0, 8, 8), mask) == dict(
        iou=0.25, precision=0.25, recall=1.)


def test_box_mask_overlap_rounds_and_clips():
    mask = _square_mask()
    # (1.6, 2.4, 6.4, 100) -> (2, 2, 6, 10): 16 of 32 px on the mask
    assert box_mask_overlap((1.6, 2.4, 6.4, 100.), mask) == dict(
        iou=0.5, precision=0.5, recall=1.)
    # a box off the image or inverted: nothing, no division by zero
    assert box_mask_overlap((20, 20, 30, 30), mask) == dict(
        iou=0., precision=0., recall=0.)
    assert box_mask_overlap((6, 6, 2, 2), mask)['iou'] == 0.
    # an empty mask: recall 0, iou 0
    assert box_mask_overlap((0, 0, 4, 4), np.zeros((10, 10), bool)) == dict(
        iou=0., precision=0., recall=0.)


def _rle(mask):
    """Uncompressed COCO RLE (column-major run lengths, starting with 0s)."""
    flat = mask.flatten(order='F').astype(np.uint8)
    counts, value, run = [], 0, 0
    for v in flat:
        if v == value:
            run += 1
        else:
            counts.append(run)
            value, run = v, 1
    counts.append(run)
    return dict(counts=counts, size=list(mask.shape))


def _ann(root):
    """Image 7 (20 x 20): one hand, rows/cols 5-14 (100 px); image 8
    (10 x 30): two hands, columns 0-4 and 10-14 (50 px each)."""
    m7 = _square_mask(20, 20, (5, 15), (5, 15))
    m8a = _square_mask(10, 30, (0, 10), (0, 5))
    m8b = _square_mask(10, 30, (0, 10), (10, 15))
    anns = [dict(id=i + 1, image_id=img, category_id=1, iscrowd=0,
                 segmentation=_rle(m), area=int(m.sum()), bbox=[0, 0, 1, 1])
            for i, (img, m) in enumerate([(7, m7), (8, m8a), (8, m8b)])]
    coco = dict(images=[dict(id=7, file_name='7.png', width=20, height=20),
                        dict(id=8, file_name='8.png', width=30, height=10)],
                annotations=anns, categories=[dict(id=1, name='hand')])
    os.makedirs(os.path.join(root, 'ann'), exist_ok=True)
    with open(os.path.join(root, 'ann', 'hands.json'), 'w') as f:
        json.dump(coco, f)
    return 'ann/hands.json'


def _sample(img_id, bboxes, hr_bboxes=None):
    s = BoneAgeDataSample().set_gt_age(1.).set_pred_age(1.)
    s.set_metainfo(dict(img_id=img_id))
    parts = dict(bboxes=torch.tensor(bboxes, dtype=torch.float32))
    if hr_bboxes is not None:
        parts['hr_bboxes'] = torch.tensor(hr_bboxes, dtype=torch.float32)
    s.pred_parts = InstanceData(**parts)
    return s


def test_metric_on_a_coco_file_relative_to_the_data_root(tmp_path):
    register_all_modules()
    ann = _ann(str(tmp_path))
    evaluator = Evaluator(dict(type='HandBoxIoUMetric', ann_file=ann))
    evaluator.dataset_meta = dict(data_root=str(tmp_path))
    evaluator.process([
        # hr_bboxes win over bboxes: rows 5-14, cols 5-9 = half the hand
        _sample('7', [[0., 0., 1., 1.]], [[5., 5., 10., 15.]]),
        # bboxes only: 150 px over both hands (100 px): iou 2/3, recall 1
        _sample('8', [[0., 0., 15., 10.]]),
    ])
    res = evaluator.evaluate(2)
    assert res == pytest.approx({'hand_box/iou': (0.5 + 2 / 3) / 2,
                                 'hand_box/precision': (1 + 2 / 3) / 2,
                                 'hand_box/recall': 0.75,
                                 'hand_box/iou_50': 100.,
                                 # image 7's mask is its box; image 8's
                                 # two hands fill 100 of their 150 px box
                                 'hand_box/ceiling_iou': (1 + 2 / 3) / 2})


def test_index_and_iou_50(tmp_path):
    metric = HandBoxIoUMetric(ann_file=os.path.join(str(tmp_path),
                                                    _ann(str(tmp_path))),
                              index=1)
    metric.process({}, [
        _sample('7', [[5., 5., 15., 15.], [5., 5., 15., 9.]]).to_dict(),
        _sample('8', [[0., 0., 1., 1.], [0., 0., 5., 10.]]).to_dict()])
    res = metric.compute_metrics(metric.results)
    # image 7: rows 5-8 of the hand, 40 / 100; image 8: one hand, 50 / 100
    assert res == pytest.approx(dict(iou=0.45, precision=1., recall=0.45,
                                     iou_50=50., ceiling_iou=(1 + 2 / 3) / 2))


def test_mask_box():
    from baa_mm.evaluation.metrics.hand_box_iou_metric import mask_box
    mask = np.zeros((10, 20), bool)
    mask[2:5, 3:9] = True
    mask[7, 15] = True
    assert mask_box(mask) == [3., 2., 16., 8.]
    assert mask_box(np.zeros((4, 6), bool)) == [0., 0., 6., 4.]


def test_metric_errors(tmp_path):
    ann = _ann(str(tmp_path))
    metric = HandBoxIoUMetric(ann_file=ann)
    metric.dataset_meta = dict(data_root=str(tmp_path))
    with pytest.raises(KeyError, match='image 99 is not in'):
        metric.process({}, [_sample('99', [[0., 0., 1., 1.]]).to_dict()])
    no_parts = BoneAgeDataSample().set_pred_age(1.)
    no_parts.set_metainfo(dict(img_id='7'))
    with pytest.raises(ValueError, match='needs pred_parts'):
        metric.process({}, [no_parts.to_dict()])
    missing = HandBoxIoUMetric(ann_file='nope.json')
    missing.dataset_meta = dict(data_root=str(tmp_path))
    with pytest.raises(FileNotFoundError,
                       match=r'HandBoxIoUMetric: annotation file .*nope\.json'
                       ' not found'):
        missing.process({}, [_sample('7', [[0., 0., 1., 1.]]).to_dict()])
