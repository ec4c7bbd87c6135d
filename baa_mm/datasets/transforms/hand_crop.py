"""Cropping a radiograph to the hand."""
from typing import Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['CropToHand', 'rasterize_polygons']


def rasterize_polygons(polygons, height: int, width: int) -> np.ndarray:
    """COCO polygons ([[x1, y1, x2, y2, ...], ...]) → (H, W) bool mask."""
    mask = np.zeros((height, width), np.uint8)
    pts = [np.asarray(p, np.float64).reshape(-1, 2) for p in polygons
           if len(p) >= 6]
    if pts:
        # 4 fractional bits, as the polygons are in continuous coordinates
        cv2.fillPoly(mask, [np.round(p * 16).astype(np.int32) for p in pts],
                     1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


@TRANSFORMS.register_module()
class CropToHand(BaseTransform):
    """Crop the image to the hand box (and optionally blank the background).

    Uses ``hand_bbox`` ([x1, y1, x2, y2] in pixels of the loaded image) and,
    when present, ``hand_polygons`` (COCO polygons, same coordinates), as
    :class:`RSNABoneAgeDataset` provides them from ``hand_ann_file``. Put it
    right after :class:`LoadRadiograph`, before any resizing.

    Required keys: ``img``; optional ``hand_bbox``, ``hand_polygons``.
    Modified: ``img``, ``img_shape``. Added: ``crop_bbox`` ([x1, y1, x2, y2]
    of the crop in the loaded image, for mapping results back) and
    ``hand_mask`` (cropped (H, W) bool mask, if polygons were given).

    Args:
        margin (float): Box enlargement on each side, as a fraction of the
            box size. Defaults to 0.05.
        mask_background (bool): Set pixels outside the hand mask to
            ``background`` (needs ``hand_polygons``). Defaults to False.
        background (float): Fill value for masked pixels. Defaults to 0.
        on_missing (str): When an image has no hand box: 'keep' leaves the
            whole image (``crop_bbox`` then covers it), 'error' raises with
            the image path. Defaults to 'keep'.
    """

    def __init__(self,
                 margin: float = 0.05,
                 mask_background: bool = False,
                 background: float = 0.,
                 on_missing: str = 'keep') -> None:
        if on_missing not in ('keep', 'error'):
            raise ValueError(f"on_missing must be 'keep' or 'error', got "
                             f'{on_missing!r}')
        self.margin = margin
        self.mask_background = mask_background
        self.background = background
        self.on_missing = on_missing

    def transform(self, results: dict) -> Optional[dict]:
        img = results['img']
        h, w = img.shape[:2]
        box = results.get('hand_bbox')
        if box is None:
            if self.on_missing == 'error':
                raise KeyError(f'{results.get("img_path", "<image>")}: no '
                               'hand_bbox for CropToHand (on_missing="error")')
            results['crop_bbox'] = [0, 0, w, h]
            return results
        x1, y1, x2, y2 = (float(v) for v in box)
        mx, my = (x2 - x1) * self.margin, (y2 - y1) * self.margin
        cx1, cy1 = max(0, int(np.floor(x1 - mx))), max(0, int(np.floor(y1 - my)))
        cx2, cy2 = min(w, int(np.ceil(x2 + mx))), min(h, int(np.ceil(y2 + my)))
        if cx2 <= cx1 or cy2 <= cy1:
            raise ValueError(f'{results.get("img_path", "<image>")}: hand box '
                             f'{box} lies outside the {w}x{h} image')
        polygons = results.get('hand_polygons')
        if polygons:
            mask = rasterize_polygons(polygons, h, w)[cy1:cy2, cx1:cx2]
            results['hand_mask'] = mask
        elif self.mask_background:
            raise KeyError(f'{results.get("img_path", "<image>")}: '
                           'mask_background=True needs hand_polygons')
        crop = img[cy1:cy2, cx1:cx2].copy()
        if self.mask_background:
            crop[~results['hand_mask']] = self.background
        results['img'] = crop
        results['img_shape'] = crop.shape[:2]
        results['crop_bbox'] = [cx1, cy1, cx2, cy2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(margin={self.margin}, '
                f'mask_background={self.mask_background}, '
                f'on_missing={self.on_missing!r})')
