"""Region transforms of attention-guided regression (Chen et al.): erase a
region, and stack regions as input channels."""
import zlib
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['EraseRegion', 'StackRegions', 'region_box']

#: Channel names StackRegions understands besides the region boxes.
WHOLE_IMAGE, ERASED_IMAGE = 'O', 'E'


def region_box(results: dict, name: str) -> Tuple[int, int, int, int]:
    """Integer ``(x1, y1, x2, y2)`` of ``results['regions'][name]``, clipped
    to the image; a ``None`` box (``missing_region='whole'``) is the whole
    image.

    Raises:
        KeyError: the sample has no such region (the image is named).
        ValueError: the box is empty once clipped to the image.
    """
    h, w = results['img'].shape[:2]
    regions = results.get('regions') or {}
    if name not in regions:
        raise KeyError(f'{results.get("img_path", "image")}: no region '
                       f'{name!r} (has {sorted(regions)}); give the dataset '
                       'a region_file with it')
    box = regions[name]
    if box is None:
        return 0, 0, w, h
    x1, y1 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x2, y2 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    if x2 <= x1 or y2 <= y1:
        raise ValueError(f'{results.get("img_path", "image")}: region '
                         f'{name!r} box {list(box)} is empty inside the '
                         f'{w}x{h} image')
    return x1, y1, x2, y2


def noise_rng(seed: Optional[int], results: dict):
    """Random generator of an image's erasing noise: the global one for
    ``seed=None`` (fresh noise at every call), else one seeded by ``seed``
    and the image's path, so that an image is erased the same way every
    time (reproducible localisation and evaluation)."""
    if seed is None:
        return np.random
    key = str(results.get('img_path', '')).encode()
    return np.random.default_rng([seed, zlib.crc32(key)])


def _erase(img: np.ndarray, box: Tuple[int, int, int, int], low: float,
           high: float, rng=np.random) -> np.ndarray:
    out = img.copy()
    x1, y1, x2, y2 = box
    out[y1:y2, x1:x2] = rng.uniform(
        low, high, size=out[y1:y2, x1:x2].shape).astype(out.dtype)
    return out


@TRANSFORMS.register_module()
class EraseRegion(BaseTransform):
    """Replace one region's pixels by uniform random values.

    The R2 localiser of Chen et al. is trained on images whose Region-1 is
    erased this way, so that its class activation map must find another
    discriminative region. Place it right after loading (the boxes are in
    the loaded image's pixels).

    Required keys: ``img`` (H, W[, C]) float in [0, 1], ``regions``.
    Modified keys: ``img``.

    Args:
        region (str): The region to erase. Defaults to 'R1'.
        low, high (float): Range of the random values. Defaults to [0, 1).
        noise_seed (int, optional): None (default): fresh noise at every
            call, for training. An int: each image's noise is fixed by the
            seed and its path (:func:`noise_rng`), for test pipelines, so
            that localising or evaluating twice gives the same result.
    """

    def __init__(self, region: str = 'R1', low: float = 0.,
                 high: float = 1., noise_seed: Optional[int] = None) -> None:
        self.region = region
        self.low, self.high = low, high
        self.noise_seed = noise_seed

    def transform(self, results: dict) -> dict:
        results['img'] = _erase(results['img'],
                                region_box(results, self.region), self.low,
                                self.high, noise_rng(self.noise_seed,
                                                     results))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(region={self.region!r}, '
                f'noise_seed={self.noise_seed})')


@TRANSFORMS.register_module()
class StackRegions(BaseTransform):
    """Crop regions, resize each to one size, stack them as channels.

    Phase II of Chen et al.: the chosen regions, each cropped from the
    image as loaded (full resolution) and resized to ``size``, become the
    channels of one input. Channel names: a region of ``results['regions']``
    ('H', 'R1', 'R2', ...), ``'O'`` the whole image, ``'E'`` the whole image
    with region ``erase`` replaced by uniform random values.

    Required keys: ``img`` (H, W) float in [0, 1], ``regions`` (unless only
    'O'). Modified keys: ``img`` ((h, w, K), or (h, w) for K = 1),
    ``img_shape``. Added: ``stacked_regions`` (the names, in order).

    Args:
        regions (Sequence[str]): Channel names, in order, e.g.
            ``('H', 'R1', 'E')``.
        size (int | tuple[int, int]): Output (h, w) (an int: square).
        erase (str): The region 'E' erases. Defaults to 'R1'.
        interpolation (str): 'area' (default) or 'bilinear'.
        noise_seed (int, optional): Noise of 'E', as in
            :class:`EraseRegion`: None for fresh noise at every call, an int
            for noise fixed per image (test pipelines).
    """

    def __init__(self,
                 regions: Sequence[str] = ('O', ),
                 size: Union[int, Tuple[int, int]] = 560,
                 erase: str = 'R1',
                 interpolation: str = 'area',
                 noise_seed: Optional[int] = None) -> None:
        if not regions:
            raise ValueError('StackRegions needs at least one region')
        if interpolation not in ('area', 'bilinear'):
            raise ValueError(f"interpolation must be 'area' or 'bilinear', "
                             f'got {interpolation!r}')
        self.regions = tuple(regions)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.erase = erase
        self.noise_seed = noise_seed
        self.interpolation = cv2.INTER_AREA if interpolation == 'area' \
            else cv2.INTER_LINEAR

    def _channel(self, img: np.ndarray, results: dict,
                 name: str) -> np.ndarray:
        if name == WHOLE_IMAGE:
            crop = img
        elif name == ERASED_IMAGE:
            crop = _erase(img, region_box(results, self.erase), 0., 1.,
                          noise_rng(self.noise_seed, results))
        else:
            x1, y1, x2, y2 = region_box(results, name)
            crop = img[y1:y2, x1:x2]
        h, w = self.size
        return cv2.resize(np.ascontiguousarray(crop), (w, h),
                          interpolation=self.interpolation)

    def transform(self, results: dict) -> Optional[dict]:
        img = results['img']
        if img.ndim == 3:
            img = img[..., 0]
        channels = [self._channel(img, results, n) for n in self.regions]
        results['img'] = channels[0] if len(channels) == 1 else np.stack(
            channels, axis=-1)
        results['img_shape'] = self.size
        results['stacked_regions'] = self.regions
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(regions={self.regions}, '
                f'size={self.size}, erase={self.erase!r})')
