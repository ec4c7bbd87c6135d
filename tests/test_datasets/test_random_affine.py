"""RandomAffine: rotation, scale and shift about the centre in one warp."""
import numpy as np
import pytest

from baa_mm.registry import TRANSFORMS
from baa_mm.utils import register_all_modules

register_all_modules()

H, W = 41, 61


def _affine(**kw):
    return TRANSFORMS.build(dict(type='RandomAffine', **kw))


def _dot(x, y, value=1.):
    """A black (H, W) float image with a 3 x 3 bright square at (x, y)."""
    img = np.zeros((H, W), np.float32)
    img[y - 1:y + 2, x - 1:x + 2] = value
    return img


def _centroid(img):
    ys, xs = np.nonzero(img > 1e-6)
    w = img[ys, xs]
    return np.array([(xs * w).sum() / w.sum(), (ys * w).sum() / w.sum()])


def _maps(mat, x, y):
    return mat @ np.array([x, y, 1.])


def _fixed_draw(monkeypatch, rotate, scale, dx, dy):
    """Make the transform draw exactly these parameters: it draws
    ``uniform(-max_rotate, max_rotate)``, ``uniform(*scale)`` and
    ``uniform(-max_shift, max_shift)`` twice, in that order."""
    values = iter([rotate, scale, dx, dy])
    monkeypatch.setattr(np.random, 'uniform',
                        lambda low, high: next(values))
    monkeypatch.setattr(np.random, 'rand', lambda: 0.)


def test_identity_parameters_leave_the_image_unchanged():
    t = _affine(max_rotate=0., scale=(1., 1.), max_shift=0.)
    img = np.random.default_rng(0).random((H, W)).astype(np.float32)
    out = t(dict(img=img.copy()))
    np.testing.assert_array_equal(out['img'], img)
    np.testing.assert_allclose(out['affine_matrix'],
                               [[1, 0, 0], [0, 1, 0]], atol=1e-7)
    assert out['affine_matrix'].dtype == np.float32
    assert out['img'].shape == (H, W) and out['img'].dtype == np.float32


def test_prob_zero_leaves_results_untouched():
    t = _affine(max_rotate=30., prob=0.)
    img = _dot(10, 10)
    out = t(dict(img=img))
    assert out['img'] is img and 'affine_matrix' not in out


def test_known_shift_moves_a_dot(monkeypatch):
    # +10 % of the width right, -20 % of the height (up)
    _fixed_draw(monkeypatch, 0., 1., 0.1, -0.2)
    out = _affine(max_shift=0.2)(dict(img=_dot(20, 25)))
    np.testing.assert_allclose(out['affine_matrix'],
                               [[1, 0, 6.1], [0, 1, -8.2]], atol=1e-5)
    np.testing.assert_allclose(_centroid(out['img']), [26.1, 16.8],
                               atol=0.05)


def test_known_rotation_moves_a_dot(monkeypatch):
    # +90 degrees (OpenCV: counter-clockwise on screen) about the centre
    # (W / 2, H / 2) = (30.5, 20.5): a dot 10 px right of the centre goes
    # 10 px up
    _fixed_draw(monkeypatch, 90., 1., 0., 0.)
    out = _affine(max_rotate=90.)(dict(img=_dot(40, 20)))
    np.testing.assert_allclose(_maps(out['affine_matrix'], 40.5, 20.5),
                               [30.5, 10.5], atol=1e-4)
    # the dot at (40, 20) goes to (30, 11)
    np.testing.assert_allclose(_centroid(out['img']), [30., 11.], atol=0.05)
    # the bright pixels are above the centre now, none right of it
    assert out['img'][5:16, 27:34].max() > 0.5
    assert out['img'][15:26, 36:45].max() < 0.05


def test_known_scale_about_the_centre():
    out = _affine(max_rotate=0., scale=(2., 2.), max_shift=0.)(
        dict(img=_dot(35, 25)))
    # distances to (30.5, 20.5) double: (35, 25) -> (39.5, 29.5)
    np.testing.assert_allclose(out['affine_matrix'],
                               [[2, 0, -30.5], [0, 2, -20.5]], atol=1e-5)
    np.testing.assert_allclose(_centroid(out['img']), [39.5, 29.5],
                               atol=0.05)


def test_border_value_fills_uncovered_pixels(monkeypatch):
    _fixed_draw(monkeypatch, 0., 1., 0.25, 0.)
    out = _affine(max_shift=0.25, border_value=0.5)(
        dict(img=np.zeros((H, W), np.float32)))
    shift = int(0.25 * W)  # 15.25 px: columns 0..14 are uncovered
    np.testing.assert_allclose(out['img'][:, :shift], 0.5)
    assert (out['img'][:, shift + 1:] == 0.).all()
    assert 0. < out['img'][0, shift] < 0.5  # half covered


@pytest.mark.parametrize('seed', range(5))
def test_random_draws_stay_in_range_and_match_the_matrix(seed):
    np.random.seed(seed)
    t = _affine(max_rotate=20., scale=(0.8, 1.2), max_shift=0.1)
    out = t(dict(img=_dot(30, 20)))
    mat = out['affine_matrix'].astype(np.float64)
    lin = mat[:, :2]
    scale = np.sqrt(abs(np.linalg.det(lin)))
    angle = np.degrees(np.arctan2(-lin[0, 1], lin[0, 0]))
    assert 0.8 <= scale <= 1.2 and abs(angle) <= 20.
    # a rotation and a uniform scale, no shear or flip
    np.testing.assert_allclose(lin / scale @ (lin / scale).T, np.eye(2),
                               atol=1e-5)
    # the shift on top of the rotation about the centre is within 10 %
    centre = np.array([W / 2., H / 2.])
    shift = _maps(mat, *centre) - centre
    assert abs(shift[0]) <= 0.1 * W + 1e-4 and abs(shift[1]) <= 0.1 * H + 1e-4
    # the dot is where the matrix sends it
    np.testing.assert_allclose(_centroid(out['img']), _maps(mat, 30, 20),
                               atol=0.25)


def test_uint8_image_keeps_dtype_and_3_channels():
    img = np.zeros((H, W, 3), np.uint8)
    img[19:22, 29:32] = (255, 128, 0)
    out = _affine(max_rotate=0., scale=(1., 1.), max_shift=0.)(
        dict(img=img.copy()))
    assert out['img'].dtype == np.uint8 and out['img'].shape == (H, W, 3)
    np.testing.assert_array_equal(out['img'], img)


def test_invalid_configuration():
    with pytest.raises(AssertionError):
        _affine(prob=1.5)
    with pytest.raises(AssertionError):
        _affine(scale=(1.2, 0.8))
