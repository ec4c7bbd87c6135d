"""A map of the network input back in the loaded image's pixels.

The test pipelines of baa_mm crop (``CropToHand``: ``crop_bbox``), resize
(``scale_factor``, plain or keep-ratio), pad at the bottom / right (mmcv /
mmdet ``Pad``, batch padding) and, rarely, flip. This inverts those, as
recorded in a data sample's metainfo; other geometric transforms (affine,
centred padding, a crop after the resize) are not undone.

Shapes: h x w the map (the network input, batch padding excluded), H0 x W0
the loaded image (``ori_shape``).
"""
from typing import Mapping

import cv2
import numpy as np

__all__ = ['map_to_original']


def map_to_original(cam: np.ndarray, metainfo: Mapping) -> np.ndarray:
    """Resize / place an input-frame map into the loaded image's frame.

    Args:
        cam (np.ndarray): (h, w) map over the network input (``img_shape``).
        metainfo (Mapping): The sample's metainfo: ``ori_shape`` (required),
            and where present ``crop_bbox`` ([x1, y1, x2, y2] in loaded-image
            pixels, before the resize), ``scale_factor`` ((sx, sy) of the
            resize; without it the map covers the whole crop / image),
            ``flip`` / ``flip_direction``.

    Returns:
        np.ndarray: (H0, W0) float32; zero outside the crop.

    Raises:
        KeyError: no ``ori_shape``.
    """
    cam = np.asarray(cam, np.float32)
    h0, w0 = (int(v) for v in metainfo['ori_shape'][:2])
    if metainfo.get('flip'):
        direction = metainfo.get('flip_direction', 'horizontal')
        if direction in ('horizontal', 'diagonal'):
            cam = cam[:, ::-1]
        if direction in ('vertical', 'diagonal'):
            cam = cam[::-1]
    crop = metainfo.get('crop_bbox')
    x1, y1, x2, y2 = (0, 0, w0, h0) if crop is None else \
        (int(round(float(v))) for v in crop)
    x1, x2 = max(x1, 0), min(x2, w0)
    y1, y2 = max(y1, 0), min(y2, h0)
    out = np.zeros((h0, w0), np.float32)
    if x2 <= x1 or y2 <= y1:
        return out
    h, w = cam.shape
    scale = metainfo.get('scale_factor')
    if scale is not None:
        sx, sy = (float(v) for v in np.asarray(scale).reshape(-1)[:2])
        w = min(w, max(1, int(round((x2 - x1) * sx))))
        h = min(h, max(1, int(round((y2 - y1) * sy))))
    content = np.ascontiguousarray(cam[:h, :w])
    out[y1:y2, x1:x2] = cv2.resize(content, (x2 - x1, y2 - y1),
                                   interpolation=cv2.INTER_LINEAR)
    return out
