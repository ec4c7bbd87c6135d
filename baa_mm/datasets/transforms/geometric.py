"""Geometric augmentation for radiographs."""
from typing import Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from baa_mm.registry import TRANSFORMS

__all__ = ['RandomAffine']


@TRANSFORMS.register_module()
class RandomAffine(BaseTransform):
    """Random rotation, scaling and shift about the image centre.

    The papers' augmentations (rotation, shift, scale) in one warp, so the
    image is resampled once.  The output keeps the input size; uncovered
    pixels get ``border_value``.

    Required keys: ``img``. Modified: ``img``. Added: ``affine_matrix``
    ((2, 3) float32, input → output pixel coordinates).

    Args:
        max_rotate (float): Rotation drawn in [-max_rotate, max_rotate] deg.
        scale (tuple[float, float]): Scale range.
        max_shift (float): Shift as a fraction of the image size, per axis.
        prob (float): Probability to apply.
        border_value (float): Fill value.
    """

    def __init__(self,
                 max_rotate: float = 15.,
                 scale: Tuple[float, float] = (0.9, 1.1),
                 max_shift: float = 0.05,
                 prob: float = 1.0,
                 border_value: float = 0.) -> None:
        assert 0 <= prob <= 1 and scale[0] <= scale[1]
        self.max_rotate = max_rotate
        self.scale = scale
        self.max_shift = max_shift
        self.prob = prob
        self.border_value = border_value

    @cache_randomness
    def _sample(self) -> Tuple[bool, float, float, float, float]:
        return (np.random.rand() < self.prob,
                np.random.uniform(-self.max_rotate, self.max_rotate),
                np.random.uniform(*self.scale),
                np.random.uniform(-self.max_shift, self.max_shift),
                np.random.uniform(-self.max_shift, self.max_shift))

    def transform(self, results: dict) -> dict:
        apply, angle, scale, dx, dy = self._sample()
        if not apply:
            return results
        img = results['img']
        h, w = img.shape[:2]
        mat = cv2.getRotationMatrix2D((w / 2., h / 2.), angle, scale)
        mat[:, 2] += (dx * w, dy * h)
        results['img'] = cv2.warpAffine(
            img, mat, (w, h), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT, borderValue=self.border_value)
        results['affine_matrix'] = mat.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_rotate={self.max_rotate}, '
                f'scale={self.scale}, max_shift={self.max_shift}, '
                f'prob={self.prob})')
