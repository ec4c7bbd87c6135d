"""Attention-guided localisation helpers (Chen et al.): class activation
maps and the boxes cut from them (soft labels and expected ages:
test_age_dist_ops.py)."""
import numpy as np
import pytest
import torch

from baa_mm.models.utils import (cam_boxes, class_activation_maps,
                                 largest_component_box)


# ----------------------------------------------------------------- CAMs
def test_cam_is_the_weighted_sum_of_the_feature_maps():
    g = torch.Generator().manual_seed(0)
    feats = torch.randn(2, 3, 4, 5, generator=g)
    weight = torch.randn(6, 3, generator=g)
    classes = torch.tensor([4, 1])
    cams = class_activation_maps(feats, weight, classes)
    assert cams.shape == (2, 4, 5) and cams.dtype == torch.float32
    for n in range(2):
        manual = torch.zeros(4, 5)
        for k in range(3):
            manual += weight[classes[n], k] * feats[n, k]
        torch.testing.assert_close(cams[n], manual)


def test_cam_by_hand():
    feats = torch.tensor([[[[1., 2.]], [[10., 0.]]]])  # (1, 2, 1, 2)
    weight = torch.tensor([[1., 1.], [2., -1.]])
    assert class_activation_maps(feats, weight, torch.tensor([1])
                                 ).tolist() == [[[-8., 4.]]]
    assert class_activation_maps(feats, weight, torch.tensor([0])
                                 ).tolist() == [[[11., 2.]]]


# -------------------------------------------------- largest component box
def test_largest_component_box_picks_the_bigger_blob():
    mask = np.zeros((10, 12), bool)
    mask[1:3, 1:3] = True  # 4 px
    mask[5:9, 6:11] = True  # 20 px
    assert largest_component_box(mask) == (6., 5., 11., 9.)


def test_largest_component_is_8_connected():
    mask = np.zeros((10, 10), np.uint8)
    for i in range(5):  # a diagonal of 5 px: one component
        mask[i, i] = 1
    mask[7:9, 7:9] = 1  # a 4 px square
    assert largest_component_box(mask) == (0., 0., 5., 5.)


def test_empty_mask_is_the_whole_image():
    assert largest_component_box(np.zeros((6, 9), bool)) == (0., 0., 9., 6.)


# -------------------------------------------------------------- cam boxes
def _square_map(h=8, w=8, rows=(2, 4), cols=(4, 6), value=1.):
    cam = torch.zeros(h, w)
    cam[rows[0]:rows[1], cols[0]:cols[1]] = value
    return cam


def test_bright_square_gives_its_box_at_image_size():
    # 8x8 -> 32x32 (x4, bilinear, half-pixel centres): the 0.5 level of the
    # square at rows 2-3, cols 4-5 lies exactly on its scaled edges
    boxes = cam_boxes(_square_map()[None], [(32, 32)], rel_thr=0.5)
    assert boxes.dtype == torch.float32 and boxes.shape == (1, 4)
    assert boxes.tolist() == [[16., 8., 24., 16.]]
    # a lower threshold widens it by the bilinear ramp
    wide = cam_boxes(_square_map()[None], [(32, 32)], rel_thr=0.1)[0]
    assert wide[0] < 16 and wide[2] > 24


def test_non_square_images_and_a_batch():
    cams = torch.stack([_square_map(4, 8, (1, 2), (2, 4)),
                        _square_map(4, 8, (0, 4), (0, 1), value=5.)])
    boxes = cam_boxes(cams, [(16, 32), (16, 32)], rel_thr=0.5)
    # x4 in both directions; the second map's column touches the border
    assert boxes.tolist() == [[8., 4., 16., 8.], [0., 0., 4., 16.]]


def test_img_shape_smaller_than_the_batch_ignores_padding():
    cam = torch.zeros(8, 8)
    cam[5:7, 0:8] = 1.  # the brightest (and bigger) block: in the padding
    cam[1:3, 1:3] = 0.6  # the block inside the valid 16 x 32 image
    whole = cam_boxes(cam[None], [(32, 32)], rel_thr=0.5)
    assert whole.tolist() == [[0., 20., 32., 28.]]
    valid = cam_boxes(cam[None], [(16, 32)], rel_thr=0.5,
                      batch_shape=(32, 32))
    assert valid.tolist() == [[4., 4., 12., 12.]]
    # without batch_shape the maps cover the largest image: (16, 32) would
    # squash the padding block in; two images set it to (32, 32)
    both = cam_boxes(torch.stack([cam, cam]), [(16, 32), (32, 32)], 0.5)
    assert both.tolist() == [[4., 4., 12., 12.], [0., 20., 32., 28.]]


def test_constant_map_is_the_whole_image():
    assert cam_boxes(torch.full((1, 4, 4), 3.), [(20, 12)]).tolist() == \
        [[0., 0., 12., 20.]]


@pytest.mark.parametrize('thr', [1., 1.5, -0.1])
def test_rel_thr_out_of_range(thr):
    with pytest.raises(ValueError, match=r'rel_thr must be in \[0, 1\)'):
        cam_boxes(torch.zeros(1, 4, 4), [(8, 8)], rel_thr=thr)


def test_excluded_box_is_never_the_region():
    # two squares: the brighter one is excluded, the other is found
    cam = _square_map(8, 8, (2, 4), (4, 6), value=2.)
    cam[5:7, 0:2] = 1.
    both = cam[None]
    assert cam_boxes(both, [(32, 32)])[0].tolist() == [16., 8., 24., 16.]
    excl = cam_boxes(both, [(32, 32)], exclude=[[[16., 8., 24., 16.]]])
    x1, y1, x2, y2 = excl[0].tolist()
    # the dimmer square (rows 5-6, cols 0-1 -> y 20-28, x 0-8) at the
    # threshold relative to the kept pixels
    assert (x1, y1, x2, y2) == (0., 20., 8., 28.)
    # an image with no exclusions, and one excluded entirely
    out = cam_boxes(torch.stack([cam, cam]), [(32, 32), (32, 32)],
                    exclude=[[], [[0., 0., 32., 32.]]])
    assert out.tolist() == [[16., 8., 24., 16.], [0., 0., 32., 32.]]
