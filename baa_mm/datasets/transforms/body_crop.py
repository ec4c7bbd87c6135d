"""Cropping a whole-body image to its upper or lower part."""
import math
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS

__all__ = ['CropBodyPart', 'shift_clip_box']

_PARTS = ('upper', 'lower', 'whole')


def shift_clip_box(box: Sequence[float], crop: Sequence[int]
                   ) -> Tuple[List[float], bool]:
    """Express a box in a crop's pixels, clipped to the crop.

    Args:
        box (Sequence[float]): [x1, y1, x2, y2] in the image the crop was
            taken from.
        crop (Sequence[int]): The crop, [x1, y1, x2, y2] in the same image.

    Returns:
        tuple: The shifted, clipped box ([x1, y1, x2, y2], floats, inside
        [0, crop width] x [0, crop height]) and whether it keeps a positive
        area (False: the box lies outside the crop).
    """
    cx1, cy1, cx2, cy2 = crop
    w, h = float(cx2 - cx1), float(cy2 - cy1)
    x1, y1, x2, y2 = (float(v) for v in box)
    out = [min(max(x1 - cx1, 0.), w), min(max(y1 - cy1, 0.), h),
           min(max(x2 - cx1, 0.), w), min(max(y2 - cy1, 0.), h)]
    return out, out[2] > out[0] and out[3] > out[1]


@TRANSFORMS.register_module()
class CropBodyPart(BaseTransform):
    """Crop a frontal whole-body image to its upper or lower part.

    The body's rows (``body_bbox`` [x1, y1, x2, y2] when present and
    ``use_body_bbox``, else the whole image height) are split at ``split``
    of their height: ``'upper'`` keeps the rows above the split, ``'lower'``
    those below, ``'whole'`` all of them; ``overlap`` extends each part past
    the split by that fraction of the body height (never past the body's
    ends). With ``overlap=0`` the upper and lower crops tile the body
    exactly (the same rounded split row).

    Columns: with a body box the crop spans the **box's width** (plus
    ``margin``), since the columns beside the body (table, air) carry no
    age information and would only shrink the body after a keep-ratio
    resize; without one it spans the full image width. ``margin`` (a
    fraction of the box size) also extends the box's top (upper, whole) and
    bottom (lower, whole) ends, never the split. Everything is clipped to
    the image. Put it right after :class:`LoadRadiograph`, before any
    resizing (boxes are in loaded-image pixels).

    Required keys: ``img`` ((H, W) or (H, W, C), any dtype: 8/16-bit,
    float). Optional: ``body_bbox``, ``informative_boxes`` (a list of
    [x1, y1, x2, y2], of dicts with a ``bbox`` entry, or an (N, 4) array),
    ``crop_bbox`` (of an earlier crop: the new one is composed with it).
    Modified: ``img``, ``img_shape``, ``body_bbox`` (shifted into the crop
    and clipped to it, kept even if it no longer overlaps), and
    ``informative_boxes`` (shifted and clipped; boxes entirely outside the
    crop are **dropped**). Added: ``crop_bbox`` ([x1, y1, x2, y2] of the
    crop in the loaded image), ``body_part``.

    Args:
        part (str): 'upper', 'lower' or 'whole'. Defaults to 'upper'.
        split (float): Fraction of the body height, in (0, 1), where the
            upper part ends and the lower part begins. Defaults to 0.5.
        overlap (float): Fraction of the body height, in [0, 1), by which
            each part extends past the split. Defaults to 0.
        use_body_bbox (bool): Use ``body_bbox`` when the results have one.
            Defaults to True.
        margin (float): Enlargement of the body box's outer sides, as a
            fraction of its width / height (>= 0). Defaults to 0.

    Raises:
        ValueError: Bad arguments, or an empty crop (names the image).
    """

    def __init__(self,
                 part: str = 'upper',
                 split: float = 0.5,
                 overlap: float = 0.,
                 use_body_bbox: bool = True,
                 margin: float = 0.) -> None:
        if part not in _PARTS:
            raise ValueError(f'part must be one of {_PARTS}, got {part!r}')
        if not 0. < float(split) < 1.:
            raise ValueError(f'split must lie in (0, 1) (a fraction of the '
                             f'body height), got {split!r}')
        if not 0. <= float(overlap) < 1.:
            raise ValueError(f'overlap must lie in [0, 1), got {overlap!r}')
        if not float(margin) >= 0.:
            raise ValueError(f'margin must be >= 0, got {margin!r}')
        self.part = part
        self.split = float(split)
        self.overlap = float(overlap)
        self.use_body_bbox = use_body_bbox
        self.margin = float(margin)

    def _crop_box(self, h: int, w: int,
                  body: Optional[Sequence[float]]) -> List[int]:
        """[x1, y1, x2, y2] of the crop in the (H, W) image."""
        if body is None:
            bx1, by1, bx2, by2 = 0., 0., float(w), float(h)
            mx = my = 0.
        else:
            bx1, by1, bx2, by2 = (float(v) for v in body)
            mx, my = (bx2 - bx1) * self.margin, (by2 - by1) * self.margin
        bh = by2 - by1
        top = math.floor(by1 - my)
        bottom = math.ceil(by2 + my)
        # the split row is rounded alike for both parts, so they tile
        if self.part == 'upper':
            bottom = min(bottom,
                         int(round(by1 + (self.split + self.overlap) * bh)))
        elif self.part == 'lower':
            top = max(top, int(round(by1 + (self.split - self.overlap) * bh)))
        x1 = max(0, math.floor(bx1 - mx))
        x2 = min(w, math.ceil(bx2 + mx))
        return [x1, max(0, top), x2, min(h, bottom)]

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        body = results.get('body_bbox') if self.use_body_bbox else None
        cx1, cy1, cx2, cy2 = crop = self._crop_box(h, w, body)
        if cx2 <= cx1 or cy2 <= cy1:
            raise ValueError(
                f'{results.get("img_path", "<image>")}: the {self.part} part '
                f'{crop} of the {w}x{h} image is empty (body_bbox '
                f'{body if body is not None else "not used"})')
        results['img'] = img[cy1:cy2, cx1:cx2].copy()
        results['img_shape'] = results['img'].shape[:2]
        if results.get('body_bbox') is not None:
            results['body_bbox'] = shift_clip_box(results['body_bbox'],
                                                  crop)[0]
        if results.get('informative_boxes') is not None:
            results['informative_boxes'] = self._shift_boxes(
                results['informative_boxes'], crop)
        prev = results.get('crop_bbox')
        ox, oy = (0, 0) if prev is None else (int(prev[0]), int(prev[1]))
        results['crop_bbox'] = [cx1 + ox, cy1 + oy, cx2 + ox, cy2 + oy]
        results['body_part'] = self.part
        return results

    @staticmethod
    def _shift_boxes(boxes, crop: Sequence[int]):
        """Shift + clip boxes of any accepted form; drop those outside."""
        if isinstance(boxes, np.ndarray):
            arr = np.asarray(boxes, np.float64).reshape(-1, 4)
            kept = [b for b, ok in (shift_clip_box(r, crop) for r in arr)
                    if ok]
            return np.array(kept, boxes.dtype if boxes.dtype.kind == 'f'
                            else np.float32).reshape(-1, 4)
        out = []
        for item in boxes:
            is_dict = isinstance(item, dict)
            box, ok = shift_clip_box(item['bbox'] if is_dict else item, crop)
            if ok:
                out.append(dict(item, bbox=box) if is_dict else box)
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(part={self.part!r}, '
                f'split={self.split}, overlap={self.overlap}, '
                f'use_body_bbox={self.use_body_bbox}, margin={self.margin})')
