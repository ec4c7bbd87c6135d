"""StoreFullResImage + PackBoneAgeInputs: the full-resolution copy and the
input → full-resolution mapping through mmcv's resize (and pad)."""
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose

from baa_mm.models.utils import crop_parts, map_boxes
from baa_mm.utils import register_all_modules


def _pipeline(*steps):
    register_all_modules()
    return Compose(list(steps) + [dict(type='PackBoneAgeInputs')])


def _image(h=300, w=200):
    rng = np.random.default_rng(0)
    return rng.random((h, w)).astype(np.float32)


def test_hr_copy_and_factor_through_resize():
    img = _image()
    out = _pipeline(dict(type='StoreFullResImage'),
                    dict(type='Resize', scale=(64, 96), keep_ratio=False))(
                        dict(img=img.copy(), gt_age=10.))
    sample = out['data_samples']
    assert out['inputs'].shape == (1, 96, 64)
    np.testing.assert_array_equal(sample.hr_img[0].numpy(), img)
    fx, fy = sample.metainfo['hr_factor']
    assert fx == pytest.approx(200 / 64) and fy == pytest.approx(300 / 96)
    # a box in input pixels crops the same content from the original
    box_in = torch.tensor([[[16., 24., 48., 72.]]])
    box_hr = map_boxes(box_in, torch.tensor([[fx, fy]]))
    torch.testing.assert_close(box_hr[0, 0],
                               torch.tensor([50., 75., 150., 225.]))
    crop = crop_parts([sample.hr_img], box_hr, 50)[0, 0]
    # 150 x 100 region -> 50 x 50: each output pixel averages a 3 x 2 block
    block = img[75:225, 50:150].reshape(50, 3, 50, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(crop.numpy(), block, atol=1e-5)
    # area check: the crop's mean equals the region's mean
    assert crop.mean().item() == pytest.approx(
        float(img[75:225, 50:150].mean()), abs=2e-3)


def test_keep_ratio_resize_and_pad_mapping():
    img = _image(300, 150)
    out = _pipeline(dict(type='StoreFullResImage'),
                    dict(type='Resize', scale=(64, 64), keep_ratio=True),
                    dict(type='Pad', size=(64, 64)))(dict(img=img.copy()))
    sample = out['data_samples']
    assert out['inputs'].shape == (1, 64, 64)
    fx, fy = sample.metainfo['hr_factor']
    # 300 x 150 -> 64 x 32 (+ 32 px of right padding): factor 300/64
    assert fx == pytest.approx(150 / 32) and fy == pytest.approx(300 / 64)


def test_max_size_caps_the_copy_and_the_factor_follows():
    img = _image(400, 200)
    out = _pipeline(dict(type='StoreFullResImage', max_size=100),
                    dict(type='Resize', scale=(50, 100), keep_ratio=False))(
                        dict(img=img.copy()))
    sample = out['data_samples']
    assert tuple(sample.hr_img.shape) == (1, 100, 50)
    assert sample.metainfo['hr_factor'] == pytest.approx((1.0, 1.0))


def test_store_after_resize_maps_to_the_resized_copy():
    img = _image(200, 200)
    out = _pipeline(dict(type='Resize', scale=(100, 100), keep_ratio=False),
                    dict(type='StoreFullResImage'),
                    dict(type='Resize', scale=(50, 50), keep_ratio=False))(
                        dict(img=img.copy()))
    sample = out['data_samples']
    assert tuple(sample.hr_img.shape) == (1, 100, 100)
    assert sample.metainfo['hr_factor'] == pytest.approx((2.0, 2.0))


def test_no_store_no_hr_img():
    out = _pipeline(dict(type='Resize', scale=(32, 32)))(dict(img=_image()))
    assert 'hr_img' not in out['data_samples']
    assert 'hr_factor' not in out['data_samples'].metainfo


def test_bad_max_size():
    register_all_modules()
    with pytest.raises(ValueError, match='max_size'):
        Compose([dict(type='StoreFullResImage', max_size=2)])
