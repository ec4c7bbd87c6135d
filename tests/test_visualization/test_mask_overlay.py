"""baa_mm.visualization.mask_overlay: outlines at the right pixels."""
import numpy as np

from baa_mm.visualization import draw_mask_overlay


def _color(bgr, channel):
    """(H, W) bool: pure red (channel 2) or green (channel 1) pixels."""
    others = [c for c in range(3) if c != channel]
    return (bgr[..., channel] > 150) & (bgr[..., others[0]] < 80) & \
        (bgr[..., others[1]] < 80)


def _image_and_masks():
    img = np.full((60, 80), 0.5, np.float32)
    mask = np.zeros((60, 80), bool)
    mask[30:50, 20:40] = True  # border pixels: x 20 and 39, y 30 and 49
    gt = np.zeros((60, 80), bool)
    gt[25:55, 50:70] = True
    return img, mask, gt


def test_outlines_on_the_mask_borders():
    img, mask, gt = _image_and_masks()
    vis = draw_mask_overlay(img, mask, gt, 'id 1')
    assert vis.shape == (60, 80, 3) and vis.dtype == np.uint8
    red, green = _color(vis, 2), _color(vis, 1)
    for y, x in ((40, 20), (40, 39), (30, 30), (49, 30)):
        assert red[y, x]
    assert not red[35:45, 25:35].any()  # not filled
    assert not red[:, 45:].any()  # only around the mask
    for y, x in ((40, 50), (40, 69), (25, 60), (54, 60)):
        assert green[y, x]
    assert not green[:, :45].any()
    # the gray image stays gray away from the outlines and the text
    np.testing.assert_array_equal(vis[40, 5], [128, 128, 128])


def test_no_outline_without_masks():
    img, mask, gt = _image_and_masks()
    plain = draw_mask_overlay(img, None, None, 'id 1')
    assert not _color(plain, 2).any() and not _color(plain, 1).any()
    empty = draw_mask_overlay(img, np.zeros_like(mask), None, 'id 1')
    np.testing.assert_array_equal(empty, plain)
    # the outline changes exactly the pixels it covers
    with_mask = draw_mask_overlay(img, mask, None, 'id 1')
    changed = (with_mask != plain).any(-1)
    assert changed.any() and (_color(with_mask, 2) == changed).all()


def test_resized_to_max_size():
    img, mask, gt = _image_and_masks()
    vis = draw_mask_overlay(img, mask, gt, 'a\nb', max_size=40)
    assert vis.shape == (30, 40, 3)
    red = _color(vis, 2)
    assert red[20, 10] and not red[20, 15]  # x 20 / 2 = 10: the left edge
    # never enlarged
    assert draw_mask_overlay(img, mask, gt, '', 1000).shape == (60, 80, 3)
