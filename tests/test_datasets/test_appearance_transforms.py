"""RandomGammaContrast and RandomResample (appearance of real collections)."""
import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.registry import DefaultScope

from baa_mm.datasets.transforms import (RandomGammaContrast, RandomResample,
                                        gamma_contrast)
from baa_mm.registry import TRANSFORMS


def _ramp(h=40, w=30):
    return np.tile(np.linspace(0, 1, w, dtype=np.float32), (h, 1))


def test_gamma_contrast_values():
    img = np.array([[0., 0.25, 1.]], np.float32)
    np.testing.assert_allclose(gamma_contrast(img, 2., 1., 0.),
                               [[0., 0.0625, 1.]])
    # contrast about 0.5, then brightness, clipped to [0, 1]
    np.testing.assert_allclose(gamma_contrast(img, 1., 2., 0.1),
                               [[0., 0.1, 1.]], atol=1e-6)
    with pytest.raises(ValueError, match='gamma'):
        gamma_contrast(img, 0., 1., 0.)


def test_random_gamma_contrast_changes_values_not_shape():
    np.random.seed(0)
    t = RandomGammaContrast(gamma_range=(0.5, 0.6), prob=1.)
    img = _ramp()
    out = t(dict(img=img.copy()))['img']
    assert out.shape == img.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    # gamma < 1 brightens the mid-tones; contrast/brightness stay mild
    assert out[:, 15].mean() > img[:, 15].mean()
    # order is kept: the curve is monotone
    assert np.all(np.diff(out[0]) >= -1e-6)


def test_random_gamma_contrast_prob_zero_is_identity():
    img = _ramp()
    out = RandomGammaContrast(prob=0.)(dict(img=img.copy()))['img']
    np.testing.assert_array_equal(out, img)


@pytest.mark.parametrize('kwargs,match', [
    (dict(gamma_range=(1.2, 0.8)), 'gamma_range'),
    (dict(contrast_range=(-1, 1)), 'contrast_range'),
    (dict(prob=1.5), 'prob'),
])
def test_random_gamma_contrast_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RandomGammaContrast(**kwargs)


def test_random_resample_keeps_shape_and_loses_detail():
    rng = np.random.default_rng(0)
    img = rng.random((64, 48)).astype(np.float32)  # all high frequency
    np.random.seed(1)
    t = RandomResample(scale_range=(0.25, 0.25), down=('area', ),
                       up=('bilinear', ), prob=1.)
    results = t(dict(img=img.copy(), hand_bbox=[1, 2, 30, 40]))
    out = results['img']
    assert out.shape == img.shape and out.dtype == img.dtype
    assert results['hand_bbox'] == [1, 2, 30, 40]
    # area at a quarter averages 16 pixels: the variance drops sharply
    assert out.var() < img.var() / 4
    assert abs(out.mean() - img.mean()) < 0.02


def test_random_resample_nearest_keeps_aliasing():
    """Point sampling aliases stripes (every kept pixel is a 1: the mean
    goes wrong) where area averaging gives the flat mean grey."""
    img = np.zeros((64, 64), np.float32)
    img[:, ::2] = 1.  # one-pixel stripes
    near = RandomResample((0.5, 0.5), down=('nearest', ), up=('bilinear', ),
                          prob=1.)(dict(img=img.copy()))['img']
    area = RandomResample((0.5, 0.5), down=('area', ), up=('bilinear', ),
                          prob=1.)(dict(img=img.copy()))['img']
    assert abs(near.mean() - 0.5) > 0.4
    assert abs(area.mean() - 0.5) < 0.01 and area.std() < 0.05


def test_random_resample_min_size_and_prob():
    img = _ramp(20, 20)
    t = RandomResample((0.1, 0.1), prob=1., min_size=16)
    assert t(dict(img=img.copy()))['img'].shape == (20, 20)
    np.testing.assert_array_equal(
        RandomResample(prob=0.)(dict(img=img.copy()))['img'], img)


@pytest.mark.parametrize('kwargs,match', [
    (dict(scale_range=(0.5, 1.5)), 'exceed 1'),
    (dict(down=('linear', )), 'down'),  # cv2's name, not mmcv's
    (dict(up=()), 'up'),
])
def test_random_resample_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RandomResample(**kwargs)


def test_registered_and_composable_with_random_apply():
    # configs run under default_scope='baa_mm', where RandomApply finds
    # baa_mm's transforms
    with DefaultScope.overwrite_default_scope('baa_mm'):
        pipeline = Compose([TRANSFORMS.build(t) for t in (
            dict(type='RandomResample', prob=1.),
            dict(type='RandomGammaContrast', prob=1.),
            dict(type='RandomApply', prob=1.,
                 transforms=[dict(type='HistogramNormalize')]),
        )])
        out = pipeline(dict(img=_ramp()))
    assert out['img'].shape == (40, 30)
    assert 0 <= out['img'].min() and out['img'].max() <= 1
