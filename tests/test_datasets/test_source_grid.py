"""SourceGrid: a larger radiograph brought onto the training thumbnails'
grid the way rsna100's thumbnails were made."""
import numpy as np
import pytest
from PIL import Image

from baa_mm.datasets.transforms import SourceGrid


def _results(img: np.ndarray) -> dict:
    return dict(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])


def test_large_image_is_point_sampled_as_pil_nearest_does():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (653, 534), dtype=np.uint8)
    out = SourceGrid(size=(100, 100))(_results(img))
    expected = np.asarray(Image.fromarray(img).resize((100, 100),
                                                      Image.NEAREST))
    np.testing.assert_array_equal(out['img'], expected)
    assert out['img_shape'] == (100, 100)
    assert out['ori_shape'] == (653, 534)


@pytest.mark.parametrize('dtype', [np.float32, np.uint16, np.uint8])
def test_every_dtype_and_channel_count_keeps_its_values(dtype):
    rng = np.random.default_rng(1)
    for shape in ((300, 240), (300, 240, 3)):
        img = (rng.random(shape) * 1000).astype(dtype)
        out = SourceGrid(size=(50, 40))(_results(img))['img']
        assert out.dtype == img.dtype
        assert out.shape == (40, 50) + shape[2:]
        # point sampling only picks existing pixel values
        assert np.isin(out, img).all()


def test_images_on_or_below_the_grid_pass_unchanged():
    t = SourceGrid(size=(100, 100))
    for shape in ((100, 100), (64, 80)):
        img = np.random.default_rng(2).random(shape, dtype=np.float32)
        results = _results(img)
        out = t(results)
        assert out['img'] is img
        assert out['img_shape'] == shape


def test_one_side_larger_is_resampled_to_the_full_grid():
    img = np.zeros((90, 250), np.float32)
    out = SourceGrid(size=(100, 100))(_results(img))
    assert out['img'].shape == (100, 100)


def test_mmcv_interpolations_are_accepted():
    img = np.full((400, 400), 0.5, np.float32)
    out = SourceGrid(size=(100, 100), interpolation='area')(_results(img))
    np.testing.assert_allclose(out['img'], 0.5, atol=1e-6)


@pytest.mark.parametrize('kwargs,match', [
    (dict(size=(100, )), 'size must be'),
    (dict(size=(100, 0)), 'size must be'),
    (dict(size=(100, 10.5)), 'size must be'),
    (dict(size=(100, 100), interpolation='linear'), 'interpolation must'),
])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SourceGrid(**kwargs)


def test_repr_names_the_settings():
    assert repr(SourceGrid(size=(100, 90))) == \
        "SourceGrid(size=(100, 90), interpolation='nearest-exact')"
