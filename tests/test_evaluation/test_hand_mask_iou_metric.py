"""HandMaskIoUMetric against COCO hand masks (pycocotools)."""
import json

import numpy as np
import pytest
import torch

from baa_mm.evaluation import HandMaskIoUMetric


def _ann(tmp_path):
    # image 1: primary hand (10x10 square) + second hand; image 2: no hand
    anns = [
        dict(id=1, image_id=1, category_id=1, iscrowd=0, primary=True,
             bbox=[0, 0, 10, 10], area=100,
             segmentation=[[0, 0, 10, 0, 10, 10, 0, 10]]),
        dict(id=2, image_id=1, category_id=1, iscrowd=0, primary=False,
             bbox=[20, 0, 10, 10], area=100,
             segmentation=[[20, 0, 30, 0, 30, 10, 20, 10]]),
    ]
    coco = dict(images=[dict(id=1, file_name='1.png', width=32, height=16),
                        dict(id=2, file_name='2.png', width=32, height=16)],
                annotations=anns, categories=[dict(id=1, name='hand')])
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(coco))
    return str(path)


def _pred(img_id, boxes_scores):
    masks = np.zeros((len(boxes_scores), 16, 32), bool)
    for k, ((x1, y1, x2, y2), _) in enumerate(boxes_scores):
        masks[k, y1:y2, x1:x2] = True
    return dict(img_id=img_id, pred_instances=dict(
        masks=torch.from_numpy(masks),
        scores=torch.tensor([s for _, s in boxes_scores])))


def test_iou_primary_union_and_recall(tmp_path):
    metric = HandMaskIoUMetric(ann_file=_ann(tmp_path), score_thr=0.3)
    metric.process({}, [
        # primary found exactly (most confident), second hand half covered,
        # a low-score false positive ignored
        _pred(1, [((0, 0, 10, 10), 0.9), ((20, 0, 25, 10), 0.5),
                  ((0, 12, 32, 16), 0.1)]),
        _pred(2, [((0, 0, 4, 4), 0.8)]),
    ])
    res = metric.compute_metrics(metric.results)
    assert res['mask_iou'] == pytest.approx((1.0 + 0.5) / 2)
    assert res['recall_50'] == pytest.approx(100.)
    assert res['primary_iou'] == pytest.approx(1.0)
    assert res['union_iou'] == pytest.approx(150 / 200)
    assert res['num_empty'] == 1


def test_errors(tmp_path):
    metric = HandMaskIoUMetric(ann_file=str(tmp_path / 'none.json'))
    with pytest.raises(FileNotFoundError, match='none.json'):
        metric.process({}, [_pred(1, [])])
    metric = HandMaskIoUMetric(ann_file=_ann(tmp_path))
    with pytest.raises(KeyError, match='7'):
        metric.process({}, [_pred(7, [((0, 0, 1, 1), 0.9)])])


def test_pred_hand_in_input_pixels_is_scaled(tmp_path):
    # the end-to-end model's chosen hand at half the annotation size, with
    # 2 rows of padding below the image
    metric = HandMaskIoUMetric(ann_file=_ann(tmp_path), pred_key='pred_hand')
    mask = np.zeros((1, 10, 16), bool)
    mask[0, 0:5, 0:5] = True  # -> (0, 0, 10, 10): the primary hand
    metric.process({}, [dict(img_id='1', img_shape=(8, 16), pred_hand=dict(
        masks=torch.from_numpy(mask), scores=torch.tensor([0.9])))])
    # a fallback (no hand: all-ones mask, score 0) is a miss
    metric.process({}, [dict(img_id='1', img_shape=(8, 16),
                             fallback='no hand', pred_hand=dict(
                                 masks=torch.ones(1, 8, 16, dtype=torch.bool),
                                 scores=torch.ones(1)))])
    res = metric.compute_metrics(metric.results)
    assert res['primary_iou'] == pytest.approx(0.5)
    # the second hand is scored against the chosen mask: 0 both times
    assert res['mask_iou'] == pytest.approx(1 / 4)
    # all hands of the end-to-end model: pred_instances in input pixels
    metric = HandMaskIoUMetric(ann_file=_ann(tmp_path), input_pixels=True)
    both = np.zeros((2, 10, 16), bool)
    both[0, 0:5, 0:5] = both[1, 0:5, 10:15] = True
    metric.process({}, [dict(
        img_id='1', img_shape=(8, 16), pred_instances=dict(
            masks=torch.from_numpy(both), scores=torch.tensor([0.9, 0.8])))])
    res = metric.compute_metrics(metric.results)
    assert res['mask_iou'] == pytest.approx(1.0)
    assert res['union_iou'] == pytest.approx(1.0)


def test_missing_prediction_and_bad_key(tmp_path):
    with pytest.raises(ValueError, match='pred_key'):
        HandMaskIoUMetric(ann_file=_ann(tmp_path), pred_key='masks')
    metric = HandMaskIoUMetric(ann_file=_ann(tmp_path), pred_key='pred_hand')
    with pytest.raises(KeyError, match="image 1 has no 'pred_hand'"):
        metric.process({}, [dict(img_id='1', pred_instances=dict())])
