"""baa_mm.datasets.hand_masks.supervisely: Supervisely outlines."""
import numpy as np
import pytest

from baa_mm.datasets.hand_masks import (polygon_to_mask, supervisely_to_mask,
                                        supervisely_to_polygon)


def test_supervisely_to_polygon():
    ann = dict(size=dict(height=20, width=30), objects=[
        dict(classTitle='bone polygon',
             points=dict(exterior=[[2, 2], [10, 2], [10, 8]], interior=[])),
        dict(classTitle='bone polygon', geometryType='polygon',
             points=dict(exterior=[[0, 0], [9, 0], [9, 9], [0, 9]],
                         interior=[[[3, 3], [6, 3], [6, 6], [3, 6]]])),
        dict(classTitle='box', geometryType='rectangle',
             points=dict(exterior=[[20, 10], [24, 12]], interior=[])),
        dict(classTitle='bone polygon', geometryType='bitmap',
             bitmap=dict(data='...'), points=dict(exterior=[])),
        dict(classTitle='bone polygon', points=dict(exterior=[[1, 1]])),
    ])
    out = supervisely_to_polygon(ann)
    assert (out['height'], out['width']) == (20, 30)
    assert len(out['polygons']) == 3
    # integer pixel indices -> COCO coordinates of the pixel centres
    np.testing.assert_allclose(out['polygons'][0][0], [2.5, 2.5])
    assert len(out['interiors'][1]) == 1
    # the rectangle covers pixels 20..24 x 10..12
    rect = polygon_to_mask(out['polygons'][2], 20, 30)
    assert rect.sum() == 15 and rect[10:13, 20:25].all()
    reasons = [r for _, r in out['skipped']]
    assert any('bitmap' in r for r in reasons)
    assert any('< 3' in r for r in reasons)
    only = supervisely_to_polygon(ann, class_titles=['box'])
    assert len(only['polygons']) == 1 and len(only['skipped']) == 4
    with pytest.raises(ValueError, match='size'):
        supervisely_to_polygon(dict(objects=[]))
    with pytest.raises(ValueError, match='objects'):
        supervisely_to_polygon(dict(size=dict(height=2, width=2)))


def test_supervisely_to_mask_rescaled_with_hole():
    """A 10 x 10 square of pixels 0..9 with a hole of pixels 3..6 (exterior
    through the pixel centres), rasterised at its size and at 2x."""
    ann = dict(size=dict(height=20, width=30), objects=[
        dict(classTitle='hand', geometryType='polygon',
             points=dict(exterior=[[0, 0], [9, 0], [9, 9], [0, 9]],
                         interior=[[[3, 3], [6, 3], [6, 6], [3, 6]]]))])
    mask = supervisely_to_mask(ann, 20, 30)
    assert mask.shape == (20, 30) and mask.dtype == bool
    # centres 0.5..9.5: pixels 0..9 (half-covered border pixels: pycocotools)
    outer = polygon_to_mask([[0.5, 0.5], [9.5, 0.5], [9.5, 9.5],
                             [0.5, 9.5]], 20, 30)
    hole = polygon_to_mask([[3.5, 3.5], [6.5, 3.5], [6.5, 6.5],
                            [3.5, 6.5]], 20, 30)
    np.testing.assert_array_equal(mask, outer & ~hole)
    assert not mask[5, 5] and mask[1, 1] and not mask[15, 15]
    big = supervisely_to_mask(ann, 40, 60)  # scaled per axis
    assert big.shape == (40, 60)
    assert abs(int(big.sum()) - 4 * int(mask.sum())) <= 0.15 * big.sum()
    assert not big[10, 10] and big[2, 2]
    wide = supervisely_to_mask(ann, 20, 60)  # only x scaled
    assert wide[1, 17] and not wide[1, 21] and not wide[12, 2]
    with pytest.raises(ValueError, match='no polygon'):
        supervisely_to_mask(dict(size=dict(height=4, width=4), objects=[]),
                            4, 4)
