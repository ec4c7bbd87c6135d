"""Drawing body-frame shapes (cm) into the phantom's image layers.

One affine map (body-frame cm -> image pixels: scale, rotation, shift)
takes every vertex to the image, so the layers and the recorded boxes agree
exactly. Shapes are anti-aliased polygons with sub-pixel vertices
(:class:`baa_mm.datasets.phantom.painter.Painter`), drawn over each other in
painting order into uint8 layers.
"""
from __future__ import annotations

import functools
import math
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..phantom.painter import Painter

__all__ = ['Canvas', 'band_polygon', 'ellipse', 'MIN_BOX_FRACTION']

#: A box is recorded only if at least this fraction of its area lies in the
#: image (cropped heads / feet and arms off the edge lose their boxes).
MIN_BOX_FRACTION = 0.5


def ellipse(center: Sequence[float], a: float, b: float, angle: float = 0.,
            n: int = 16) -> np.ndarray:
    """Polygon (n, 2) of an ellipse, semi-axes ``a`` (along ``angle``
    radians from +x) and ``b``."""
    cos_t, sin_t = _unit_circle(n)
    c, s = math.cos(angle), math.sin(angle)
    x, y = a * cos_t, b * sin_t
    out = np.empty((n, 2))
    out[:, 0] = c * x - s * y + center[0]
    out[:, 1] = s * x + c * y + center[1]
    return out


@functools.lru_cache(maxsize=16)
def _unit_circle(n: int) -> Tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    return np.cos(t), np.sin(t)


def band_polygon(line: np.ndarray, width) -> np.ndarray:
    """Polygon of a polyline (N, 2) thickened to ``width`` (scalar or (N,)).

    Vertex normals average the neighbouring segments' normals.
    """
    line = np.asarray(line, np.float64)
    d = np.empty_like(line)
    d[1:-1] = line[2:] - line[:-2]
    d[0], d[-1] = line[1] - line[0], line[-1] - line[-2]
    length = np.sqrt(d[:, 0]**2 + d[:, 1]**2)
    scale = 0.5 * np.asarray(width, np.float64) / np.maximum(length, 1e-9)
    normal = np.empty_like(d)
    normal[:, 0], normal[:, 1] = -d[:, 1] * scale, d[:, 0] * scale
    return np.concatenate([line + normal, (line - normal)[::-1]])


class Canvas:
    """Layers of one phantom and the boxes of what was drawn.

    Attributes:
        bone (np.ndarray): Bone intensity, uint8 (H, W).
        tissue (np.ndarray): Soft-tissue coverage, uint8 (H, W).
        boxes (list[dict]): ``category``, ``site``, ``bbox`` [x1, y1, x2,
            y2] (image pixels, COCO convention) of the recorded structures.
        ppc (float): Image pixels per body-frame cm.

    Args:
        matrix (np.ndarray): Affine map body cm -> image pixels, (2, 3).
        size (tuple[int, int]): ``(width, height)``.
    """

    def __init__(self, matrix: np.ndarray, size: Tuple[int, int]) -> None:
        self.painter = Painter(matrix, size)
        self.width, self.height = size
        self.bone = np.zeros((self.height, self.width), np.uint8)
        self.tissue = np.zeros((self.height, self.width), np.uint8)
        self.boxes: List[dict] = []
        self.ppc = float(math.sqrt(abs(np.linalg.det(matrix[:, :2]))))

    def px(self, n_px: float) -> float:
        """Length in cm of ``n_px`` image pixels."""
        return n_px / self.ppc

    def fill(self, pts: np.ndarray, value: float, layer: str = 'bone',
             convex: bool = False) -> None:
        """Fill a body-frame polygon (N, 2) with ``value`` (0-255)."""
        canvas = self.bone if layer == 'bone' else self.tissue
        self.painter.fill(canvas, np.asarray(pts, np.float64), value, convex)

    def band(self, line: np.ndarray, width, value: float,
             layer: str = 'bone') -> np.ndarray:
        """Fill a thickened polyline; returns its polygon."""
        poly = band_polygon(line, width)
        self.fill(poly, value, layer)
        return poly

    def ellipse(self, center: Sequence[float], a: float, b: float,
                value: float, angle: float = 0.0, layer: str = 'bone',
                n: int = 16) -> np.ndarray:
        """Fill an ellipse; returns its polygon."""
        poly = ellipse(center, a, b, angle, n)
        self.fill(poly, value, layer, convex=True)
        return poly

    def add_box(self, category: str, site: str,
                pts: np.ndarray) -> Optional[dict]:
        """Record the image box of body-frame points (N, 2).

        The box is clipped to the image and dropped (None) when less than
        :data:`MIN_BOX_FRACTION` of it is inside.
        """
        p = self.painter.to_image(np.asarray(pts, np.float64)) + 0.5
        x1, y1 = p.min(axis=0)
        x2, y2 = p.max(axis=0)
        area = max((x2 - x1) * (y2 - y1), 1e-9)
        cx1, cy1 = max(x1, 0.0), max(y1, 0.0)
        cx2, cy2 = min(x2, self.width), min(y2, self.height)
        if cx2 - cx1 < 1.0 or cy2 - cy1 < 1.0 or (
                (cx2 - cx1) * (cy2 - cy1) < MIN_BOX_FRACTION * area):
            return None
        box = dict(category=category, site=site,
                   bbox=[round(float(v), 2) for v in (cx1, cy1, cx2, cy2)])
        self.boxes.append(box)
        return box
