"""Bring a larger radiograph onto the grid of the images a model learnt."""
from typing import Sequence, Tuple

import cv2
import mmcv
from mmcv.image.geometric import cv2_interp_codes
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['SourceGrid']

#: Centre point sampling: the pixel nearest to each output pixel's centre,
#: as PIL's ``Image.NEAREST`` does (cv2's ``'nearest'`` takes the top-left
#: neighbour instead, which is a different thumbnail).
NEAREST_EXACT = 'nearest-exact'


@TRANSFORMS.register_module()
class SourceGrid(BaseTransform):
    """Shrink an image larger than the training images onto their grid.

    A model trained on thumbnails gives the same age to a full-size original
    only if the original reaches it as the thumbnail did. rsna100's 100 x 100
    thumbnails are the RSNA originals squashed by centre point sampling (PIL
    ``NEAREST``): on the 36 ``rsna_fullsize`` originals whose thumbnails are
    in rsna100, ``'nearest-exact'`` reproduces 34 thumbnails exactly (mean
    absolute difference 0.10 grey levels over all 36, against 2.2 for area
    and 0.6 for bilinear). Put this step right after loading, in the test
    pipeline and, for symmetry, the train pipeline: images of ``size`` or
    smaller pass unchanged (the thumbnails themselves cost nothing), larger
    ones are resampled to exactly ``size`` (aspect not kept, as the
    thumbnails were made).

    Required keys: ``img`` ((H, W) or (H, W, C), any dtype). Modified:
    ``img``, ``img_shape``. ``ori_shape`` keeps the file's shape. Put it
    before any boxes or masks are loaded: they are not rescaled.

    Args:
        size (tuple[int, int]): (width, height) of the training images.
        interpolation (str): ``'nearest-exact'`` or one of mmcv's
            interpolations (``'area'``, ``'bilinear'``, ...). Defaults to
            ``'nearest-exact'``.
    """

    def __init__(self,
                 size: Sequence[int],
                 interpolation: str = NEAREST_EXACT) -> None:
        if (len(size) != 2 or any(int(s) != s or s < 1 for s in size)):
            raise ValueError('size must be (width, height) in whole pixels, '
                             f'got {size!r}')
        if interpolation != NEAREST_EXACT and \
                interpolation not in cv2_interp_codes:
            raise ValueError(
                f'interpolation must be {NEAREST_EXACT!r} or one of '
                f'{sorted(cv2_interp_codes)}, got {interpolation!r}')
        self.size: Tuple[int, int] = (int(size[0]), int(size[1]))
        self.interpolation = interpolation

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        if w <= self.size[0] and h <= self.size[1]:
            return results
        if self.interpolation == NEAREST_EXACT:
            # cv2's exact nearest works for every dtype (mmcv has no name
            # for it).
            img = cv2.resize(img, self.size,
                             interpolation=cv2.INTER_NEAREST_EXACT)
        else:
            img = mmcv.imresize(img, self.size,
                                interpolation=self.interpolation)
        results['img'] = img
        results['img_shape'] = results['img'].shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(size={self.size}, '
                f'interpolation={self.interpolation!r})')

