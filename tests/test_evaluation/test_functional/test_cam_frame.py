"""map_to_original: input-frame maps back in the loaded image's pixels."""
import numpy as np
import pytest

from baa_mm.evaluation import map_to_original


def test_plain_resize():
    cam = np.zeros((4, 4), np.float32)
    cam[:2, :2] = 1.  # the top-left quarter
    out = map_to_original(cam, dict(ori_shape=(8, 16),
                                    scale_factor=(0.25, 0.5)))
    assert out.shape == (8, 16) and out.dtype == np.float32
    assert out[:3, :6].min() == 1. and out[5:, 10:].max() == 0.
    # no scale_factor: the map covers the whole image
    np.testing.assert_array_equal(
        map_to_original(np.ones((4, 4)), dict(ori_shape=(8, 16))),
        np.ones((8, 16)))


def test_keep_ratio_padding_is_cut_off():
    cam = np.full((4, 4), 5., np.float32)
    cam[:2] = 1.  # rows 2-3 are bottom padding of an 8 x 16 image at 0.25
    out = map_to_original(cam, dict(ori_shape=(8, 16),
                                    scale_factor=(0.25, 0.25)))
    np.testing.assert_array_equal(out, np.ones((8, 16)))


def test_crop_and_flip():
    out = map_to_original(np.ones((6, 4)), dict(
        ori_shape=(10, 10), crop_bbox=[2, 3, 6, 9], scale_factor=(1., 1.)))
    assert out[3:9, 2:6].min() == 1. and out.sum() == 24.
    cam = np.array([[1., 0.], [0., 0.]])
    flipped = map_to_original(cam, dict(ori_shape=(2, 2), flip=True,
                                        flip_direction='horizontal'))
    np.testing.assert_array_equal(flipped, [[0., 1.], [0., 0.]])
    with pytest.raises(KeyError):
        map_to_original(cam, {})
