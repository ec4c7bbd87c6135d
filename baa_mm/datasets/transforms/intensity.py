"""Intensity normalisation of radiographs."""
from typing import Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['HistogramNormalize', 'equalize_hist_float']


def equalize_hist_float(img: np.ndarray, bins: int = 65536) -> np.ndarray:
    """Global histogram equalisation of a [0, 1] float image.

    Works at 16-bit precision (``cv2.equalizeHist`` is 8-bit only), so
    16-bit radiographs keep their depth.

    Args:
        img (np.ndarray): (H, W) float in [0, 1].
        bins (int): Histogram bins.

    Returns:
        np.ndarray: (H, W) float32 in [0, 1].
    """
    q = np.clip(np.round(img * (bins - 1)), 0, bins - 1).astype(np.int64)
    hist = np.bincount(q.ravel(), minlength=bins)
    cdf = np.cumsum(hist).astype(np.float64)
    nonzero = cdf[cdf > 0]
    lo, total = nonzero[0], cdf[-1]
    if total == lo:  # constant image
        return np.zeros_like(img, dtype=np.float32)
    lut = np.clip((cdf - lo) / (total - lo), 0, 1)
    return lut[q].astype(np.float32)


@TRANSFORMS.register_module()
class HistogramNormalize(BaseTransform):
    """Histogram equalisation or CLAHE on a float [0, 1] radiograph.

    Both run at 16-bit precision (``cv2.createCLAHE`` accepts uint16), so
    16-bit inputs keep their depth. CLAHE is the usual choice for hand
    radiographs: it evens out exposure differences without the noise boost
    of global equalisation.

    Required keys: ``img`` ((H, W) float in [0, 1]). Modified: ``img``.

    Args:
        method (str): 'clahe' or 'equalize'. Defaults to 'clahe'.
        clip_limit (float): CLAHE contrast limit. Defaults to 2.0.
        tile_grid_size (tuple[int, int]): CLAHE tiles. Defaults to (8, 8).
    """

    def __init__(self,
                 method: str = 'clahe',
                 clip_limit: float = 2.0,
                 tile_grid_size: Tuple[int, int] = (8, 8)) -> None:
        if method not in ('clahe', 'equalize'):
            raise ValueError(f"method must be 'clahe' or 'equalize', got "
                             f'{method!r}')
        self.method = method
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(tile_grid_size)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim != 2:
            raise ValueError('HistogramNormalize expects a (H, W) grayscale '
                             f'image, got shape {img.shape}')
        if self.method == 'equalize':
            results['img'] = equalize_hist_float(img)
            return results
        img16 = np.clip(np.round(img * 65535), 0, 65535).astype(np.uint16)
        clahe = cv2.createCLAHE(clipLimit=self.clip_limit,
                                tileGridSize=self.tile_grid_size)
        results['img'] = clahe.apply(img16).astype(np.float32) / 65535.
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(method={self.method!r}, '
                f'clip_limit={self.clip_limit}, '
                f'tile_grid_size={self.tile_grid_size})')
