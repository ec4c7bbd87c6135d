"""check_image: the image-level refusals, each with a named reason."""
import numpy as np
import pytest

from baa_mm.apis import ImageChecks, check_image


def _hand_like(h=128, w=128, seed=0):
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w), np.float32)
    img[h // 4:, w // 4:3 * w // 4] = 0.7
    return np.clip(img + rng.normal(0, 0.02, img.shape), 0, 1)


def test_a_radiograph_like_image_passes():
    assert check_image(_hand_like()) is None


@pytest.mark.parametrize('img,reason', [
    (np.full((128, 128), 0.4, np.float32), 'blank or too little contrast'),
    (np.zeros((128, 128), np.float32), 'blank or too little contrast'),
    (_hand_like(40, 200), 'too small: 40x200'),
    (np.zeros((8, 8, 3), np.float32), 'expected a 2-D gray image'),
])
def test_refusals_name_the_reason(img, reason):
    assert check_image(img).startswith(reason)


def test_not_finite_and_aspect_ratio():
    img = _hand_like()
    img[3, 3] = np.nan
    assert check_image(img).startswith('not finite')
    tall = _hand_like(400, 100)
    assert check_image(tall) is None  # no aspect limit by default
    assert 'aspect ratio 4.0 above 3' in check_image(
        tall, ImageChecks(max_aspect=3.))
    assert check_image(_hand_like(), ImageChecks(min_contrast=0.9)) \
        .startswith('blank or too little contrast')
