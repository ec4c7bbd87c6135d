"""Augmentations for what real collections do to a radiograph's appearance.

Radiographs reach a model from other scanners and exports: a different
exposure curve (gamma, contrast, brightness) and a different resolution
history (a thumbnail point-sampled from the original, an area-downsampled
copy, a JPEG re-encoded at another size). The two transforms here simulate
both on the float [0, 1] gray images :class:`LoadRadiograph` gives. Contrast
normalisation of a whole collection is :class:`HistogramNormalize`, wrapped
in mmcv's ``RandomApply`` to apply it to a share of the images; background
removal is :class:`CropToHand` with ``mask_background=True``; re-centring is
:class:`RandomAffine`'s shift.
"""
from typing import Optional, Sequence, Tuple

import mmcv
import numpy as np
from mmcv.image.geometric import cv2_interp_codes
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['RandomGammaContrast', 'RandomResample', 'gamma_contrast']

def gamma_contrast(img: np.ndarray, gamma: float, contrast: float,
                   brightness: float) -> np.ndarray:
    """Apply a gamma curve, then a contrast scale about 0.5 and an offset.

    Args:
        img (np.ndarray): (H, W) float in [0, 1].
        gamma (float): Exponent of the curve ``img ** gamma`` (> 0).
        contrast (float): Scale of ``img - 0.5``.
        brightness (float): Offset added last.

    Returns:
        np.ndarray: (H, W) float32 clipped to [0, 1].
    """
    if gamma <= 0:
        raise ValueError(f'gamma must be > 0, got {gamma}')
    out = np.power(np.clip(img, 0., 1.), gamma)
    out = (out - 0.5) * contrast + 0.5 + brightness
    return np.clip(out, 0., 1.).astype(np.float32)


def _check_range(name: str, rng: Sequence[float], low: float) -> tuple:
    rng = tuple(float(v) for v in rng)
    if len(rng) != 2 or rng[0] > rng[1] or rng[0] < low:
        raise ValueError(f'{name} must be (min, max) with {low} <= min <= '
                         f'max, got {rng}')
    return rng


@TRANSFORMS.register_module()
class RandomGammaContrast(BaseTransform):
    """Random exposure curve: gamma, then contrast and brightness.

    Each factor is drawn uniformly from its range (gamma log-uniformly, so
    that 0.7 and 1/0.7 are equally likely). Geometry is unchanged.

    Required keys: ``img`` ((H, W) float in [0, 1]). Modified: ``img``.

    Args:
        gamma_range (tuple[float, float]): Defaults to (0.7, 1.4).
        contrast_range (tuple[float, float]): Defaults to (0.8, 1.2).
        brightness_range (tuple[float, float]): Defaults to (-0.1, 0.1).
        prob (float): Probability of changing an image. Defaults to 0.8.
    """

    def __init__(self,
                 gamma_range: Tuple[float, float] = (0.7, 1.4),
                 contrast_range: Tuple[float, float] = (0.8, 1.2),
                 brightness_range: Tuple[float, float] = (-0.1, 0.1),
                 prob: float = 0.8) -> None:
        self.gamma_range = _check_range('gamma_range', gamma_range, 1e-3)
        self.contrast_range = _check_range('contrast_range', contrast_range,
                                           0.)
        self.brightness_range = _check_range('brightness_range',
                                             brightness_range, -1.)
        if not 0. <= prob <= 1.:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        lg = np.log(self.gamma_range)
        gamma = float(np.exp(np.random.uniform(lg[0], lg[1])))
        contrast = float(np.random.uniform(*self.contrast_range))
        brightness = float(np.random.uniform(*self.brightness_range))
        results['img'] = gamma_contrast(results['img'], gamma, contrast,
                                        brightness)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(gamma_range={self.gamma_range}, '
                f'contrast_range={self.contrast_range}, '
                f'brightness_range={self.brightness_range}, '
                f'prob={self.prob})')


@TRANSFORMS.register_module()
class RandomResample(BaseTransform):
    """Random resolution history: down to a smaller size and back.

    The image is resized to ``scale`` times its size (``scale`` uniform in
    ``scale_range``) with one interpolation drawn from ``down``, then back
    to its own size with one drawn from ``up``. Shape, boxes and masks stay
    valid; only the detail changes, as it does between a point-sampled
    thumbnail (``'nearest'``), an area-downsampled copy (``'area'``) and a
    scanner's own smoothing (``'bilinear'``/``'bicubic'``). Put it before
    the pipeline's ``Resize``.

    Required keys: ``img`` ((H, W) or (H, W, C) float). Modified: ``img``.

    Args:
        scale_range (tuple[float, float]): Defaults to (0.5, 1.0).
        down (Sequence[str]): Interpolations for the way down, among
            mmcv's ('nearest', 'area', 'bilinear', 'bicubic', 'lanczos').
            Defaults to
            ('nearest', 'area', 'bilinear').
        up (Sequence[str]): Interpolations for the way back. Defaults to
            ('bilinear', 'bicubic').
        prob (float): Probability of resampling an image. Defaults to 0.5.
        min_size (int): Never go below this many pixels on a side.
            Defaults to 16.
    """

    def __init__(self,
                 scale_range: Tuple[float, float] = (0.5, 1.0),
                 down: Sequence[str] = ('nearest', 'area', 'bilinear'),
                 up: Sequence[str] = ('bilinear', 'bicubic'),
                 prob: float = 0.5,
                 min_size: int = 16) -> None:
        self.scale_range = _check_range('scale_range', scale_range, 1e-3)
        if self.scale_range[1] > 1.:
            raise ValueError('scale_range must not exceed 1 (a resample '
                             f'goes down first), got {self.scale_range}')
        for name, modes in (('down', down), ('up', up)):
            bad = [m for m in modes if m not in cv2_interp_codes]
            if not modes or bad:
                raise ValueError(f'{name} must list interpolations among '
                                 f'{sorted(cv2_interp_codes)}, got {modes}')
        self.down, self.up = tuple(down), tuple(up)
        if not 0. <= prob <= 1.:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob
        self.min_size = int(min_size)

    def transform(self, results: dict) -> Optional[dict]:
        if np.random.rand() >= self.prob:
            return results
        img = results['img']
        h, w = img.shape[:2]
        scale = np.random.uniform(*self.scale_range)
        sw = max(min(self.min_size, w), int(round(w * scale)))
        sh = max(min(self.min_size, h), int(round(h * scale)))
        down = self.down[np.random.randint(len(self.down))]
        up = self.up[np.random.randint(len(self.up))]
        small = mmcv.imresize(img, (sw, sh), interpolation=down)
        out = mmcv.imresize(small, (w, h), interpolation=up)
        if np.issubdtype(img.dtype, np.floating):
            out = np.clip(out, 0., 1.)
        results['img'] = out.astype(img.dtype, copy=False)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale_range={self.scale_range}, '
                f'down={self.down}, up={self.up}, prob={self.prob}, '
                f'min_size={self.min_size})')
