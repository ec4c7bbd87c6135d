"""baa_mm.datasets.hand_masks.polygons: polygons <-> masks, IoU, boxes."""
import cv2
import numpy as np
import pytest

from baa_mm.datasets.hand_masks import (coco_image_id, mask_bbox, mask_iou,
                                        mask_to_coco_polygons, polygon_to_mask)
from baa_mm.datasets.phantom import render_phantom


@pytest.mark.parametrize('size', [64, 256])
def test_polygon_mask_round_trip_phantom(size):
    for index in range(3):
        mask = render_phantom(index, 0, size).mask
        polys = mask_to_coco_polygons(mask)
        assert polys and all(len(p) >= 6 and len(p) % 2 == 0 for p in polys)
        back = polygon_to_mask(polys, size, size)
        assert back.dtype == bool and back.shape == mask.shape
        assert mask_iou(back, mask) > 0.97


def test_polygon_mask_round_trip_small_shapes():
    mask = np.zeros((40, 50), bool)
    mask[5:9, 4:7] = True  # 4 x 3 block
    cv2.circle(mask.view(np.uint8), (30, 25), 8, 1, -1)
    polys = mask_to_coco_polygons(mask, epsilon=0)
    assert len(polys) == 2
    assert mask_iou(polygon_to_mask(polys, 40, 50), mask) > 0.97
    # the block is exact: its vertices lie on pixel edges
    block = polygon_to_mask(min(polys, key=len), 40, 50)
    assert block.sum() == 12 and block[5:9, 4:7].all()
    assert mask_to_coco_polygons(np.zeros((5, 5), bool)) == []
    assert len(mask_to_coco_polygons(mask, min_area=20)) == 1  # disc only


def test_polygon_to_mask_input_forms():
    square = [[2, 2], [8, 2], [8, 6], [2, 6]]
    ref = polygon_to_mask(square, 10, 12)
    assert ref.sum() == 24 and ref[2:6, 2:8].all()
    flat = [v for p in square for v in p]
    assert (polygon_to_mask(flat, 10, 12) == ref).all()
    assert (polygon_to_mask(np.array(square, float), 10, 12) == ref).all()
    assert (polygon_to_mask([flat], 10, 12) == ref).all()
    two = polygon_to_mask([flat, [0, 0, 1, 0, 1, 1, 0, 1]], 10, 12)
    assert two.sum() == 25
    with pytest.raises(ValueError, match='>= 3 points'):
        polygon_to_mask([[1, 1], [2, 2]], 5, 5)
    with pytest.raises(ValueError, match='no polygon'):
        polygon_to_mask([], 5, 5)
    with pytest.raises(ValueError, match='even number'):
        polygon_to_mask([1, 2, 3, 4, 5, 6, 7], 5, 5)


def test_mask_iou_and_bbox():
    a = np.zeros((4, 4), bool)
    b = np.zeros((4, 4), bool)
    assert mask_iou(a, b) == 1.0  # both empty agree
    a[:2] = True
    b[1:3] = True
    assert mask_iou(a, b) == pytest.approx(4 / 12)
    assert mask_iou(a, a) == 1.0
    with pytest.raises(ValueError, match='shapes differ'):
        mask_iou(a, np.zeros((3, 4), bool))
    assert mask_bbox(b) == [0.0, 1.0, 4.0, 2.0]
    assert mask_bbox(np.zeros((3, 3))) == [0.0, 0.0, 0.0, 0.0]


def test_coco_image_id():
    used = {5}
    assert coco_image_id('1377', used) == 1377  # numeric stems keep it
    assert coco_image_id('5', used) == 6  # taken: the next free id
    assert coco_image_id('hand', {1, 2, 4}) == 5
    assert coco_image_id('hand', set()) == 1
    assert used == {5}  # the caller records the id it takes
