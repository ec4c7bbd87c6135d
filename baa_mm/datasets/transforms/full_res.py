"""Keeping the full-resolution image for models that crop from it (PRSNet)."""
from typing import Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['StoreFullResImage']


@TRANSFORMS.register_module()
class StoreFullResImage(BaseTransform):
    """Keep a copy of the image before the network-input resize.

    Put it after every geometric augmentation (flip, affine, crop) and right
    before ``Resize``: the copy and the resized input then show the same
    content, and :class:`PackBoneAgeInputs` stores the copy in
    ``data_sample.hr_img`` ((C, H, W) float32) with ``hr_factor`` =
    ``(fx, fy)`` in the metainfo, mapping network-input pixels to copy pixels
    (``x_hr = x_in * fx``; right/bottom padding needs no offset).

    mmcv's ``Resize`` writes ``scale_factor`` relative to the image it
    resizes (not cumulated), so this transform removes an earlier
    ``scale_factor``: afterwards ``scale_factor`` describes the resizes that
    follow the copy, which is what the mapping needs.

    Required keys: ``img``. Added: ``hr_img``, ``hr_scale``. Removed:
    ``scale_factor``.

    Args:
        max_size (int, optional): Downscale the copy (area interpolation) so
            its longer side is at most this many pixels, bounding memory for
            very large radiographs. None keeps it as is.
    """

    def __init__(self, max_size: Optional[int] = None) -> None:
        if max_size is not None and max_size < 8:
            raise ValueError(f'max_size must be >= 8, got {max_size}')
        self.max_size = max_size

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        hr = img
        if self.max_size is not None and max(h, w) > self.max_size:
            s = self.max_size / max(h, w)
            hr = cv2.resize(
                img, (max(1, round(w * s)), max(1, round(h * s))),
                interpolation=cv2.INTER_AREA)
        results['hr_img'] = np.array(hr, dtype=np.float32, copy=True)
        results['hr_scale'] = (hr.shape[1] / w, hr.shape[0] / h)
        results.pop('scale_factor', None)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(max_size={self.max_size})'
