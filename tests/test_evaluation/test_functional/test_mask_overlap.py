"""baa_mm.evaluation.functional.mask_overlap."""
import numpy as np
import pytest

from baa_mm.evaluation.functional import mask_overlap


def test_mask_overlap_known_masks():
    gt = np.zeros((10, 10), bool)
    gt[2:6, 2:6] = True  # 16 pixels
    pred = np.zeros((10, 10), bool)
    pred[2:6, 4:8] = True  # 16 pixels, 8 of them in gt
    out = mask_overlap(pred, gt)
    assert out == pytest.approx(dict(iou=8 / 24, precision=8 / 16,
                                     recall=8 / 16))
    assert mask_overlap(gt, gt) == dict(iou=1.0, precision=1.0, recall=1.0)
    # a prediction inside the ground truth: precision 1, recall 4 / 16
    inner = np.zeros((10, 10), np.uint8)
    inner[3:5, 3:5] = 1
    assert mask_overlap(inner, gt) == pytest.approx(
        dict(iou=0.25, precision=1.0, recall=0.25))


def test_mask_overlap_empty_masks():
    gt = np.zeros((4, 5), bool)
    empty = np.zeros((4, 5), bool)
    assert mask_overlap(empty, gt) == dict(iou=1.0, precision=0.0,
                                           recall=0.0)
    gt[1, 1] = True
    assert mask_overlap(empty, gt) == dict(iou=0.0, precision=0.0,
                                           recall=0.0)
    assert mask_overlap(gt, empty) == dict(iou=0.0, precision=0.0,
                                           recall=0.0)
    with pytest.raises(ValueError, match='shapes differ'):
        mask_overlap(gt, np.zeros((5, 4), bool))
