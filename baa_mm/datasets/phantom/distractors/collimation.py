"""Collimation: the exposure field, a possibly rotated rectangle."""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..painter import FP, SHIFT


def _clip_halfplane(poly: np.ndarray, normal: np.ndarray,
                    offset: float) -> np.ndarray:
    """Part of a convex polygon (N, 2) with ``normal . p >= offset``
    (Sutherland-Hodgman against one plane)."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        dp, dq = normal @ p - offset, normal @ q - offset
        if dp >= 0:
            out.append(p)
        if (dp >= 0) != (dq >= 0):
            out.append(p + (q - p) * (dp / (dp - dq)))
    return np.array(out).reshape(-1, 2)


def _shutter_boxes(width: int, height: int, ctr: np.ndarray,
                   sides: Sequence[tuple]) -> List[List[float]]:
    """Boxes ``[x1, y1, x2, y2]`` of the image beyond each shuttered edge
    ``(normal, offset)`` (offset relative to ``ctr``)."""
    image = np.array([[0, 0], [width, 0], [width, height], [0, height]],
                     np.float64)
    boxes = []
    for normal, off in sides:
        part = _clip_halfplane(image, normal, off + normal @ ctr)
        if len(part) < 3:
            continue
        x1, y1 = part.min(axis=0)
        x2, y2 = part.max(axis=0)
        if (x2 - x1) * (y2 - y1) < 1.0:
            continue
        boxes.append([round(float(v), 2) for v in (x1, y1, x2, y2)])
    return boxes


def _field_polygon(keep_boxes: Sequence[Sequence[float]], ctr: np.ndarray,
                   angle: float, shutter: np.ndarray, gaps: np.ndarray,
                   far: float) -> Tuple[np.ndarray, tuple]:
    """Corners (4, 2) of the field and ``(normal, offset)`` of its sides.

    A shuttered side lies ``gaps[i]`` beyond the extent of ``keep_boxes``
    along the field axes (rotated by ``angle`` degrees about ``ctr``), the
    others ``far`` from ``ctr``; offsets are relative to ``ctr``.
    """
    pts = np.array([[b[0], b[1]] for b in keep_boxes] +
                   [[b[2], b[1]] for b in keep_boxes] +
                   [[b[0], b[3]] for b in keep_boxes] +
                   [[b[2], b[3]] for b in keep_boxes], np.float64)
    a = math.radians(angle)
    ux = np.array([math.cos(a), math.sin(a)])  # field x axis
    uy = np.array([-math.sin(a), math.cos(a)])  # field y axis
    q = pts - ctr
    qx, qy = q @ ux, q @ uy
    lo_x = qx.min() - gaps[0] if shutter[0] else -far
    hi_x = qx.max() + gaps[1] if shutter[1] else far
    lo_y = qy.min() - gaps[2] if shutter[2] else -far
    hi_y = qy.max() + gaps[3] if shutter[3] else far
    corners = np.array([ctr + ux * x + uy * y for x, y in
                        ((lo_x, lo_y), (hi_x, lo_y), (hi_x, hi_y),
                         (lo_x, hi_y))])
    sides = ((-ux, -lo_x), (ux, hi_x), (-uy, -lo_y), (uy, hi_y))
    return corners, sides


def collimation_field(rng: np.random.Generator, width: int, height: int,
                      keep_boxes: Sequence[Sequence[float]],
                      margin: float) -> Optional[dict]:
    """Exposure field: a (possibly rotated) rectangle around ``keep_boxes``.

    Each of the four sides is "shuttered" (visible edge, close to the kept
    region) with probability 0.5, else far outside the image; at least one
    side is shuttered. The outside is opaque: dark (digital shutter) or
    bright (unexposed film).

    Args:
        rng (np.random.Generator): Random stream.
        width, height (int): Image size.
        keep_boxes: Boxes ``[x1, y1, x2, y2]`` that must lie inside the field
            (at least ``margin`` pixels from its edge).
        margin (float): Minimal distance in pixels.

    Returns:
        dict or None: ``coverage`` (uint8 (H, W), 255 inside, anti-aliased
        edge), ``polygon`` (4 x 2 corners, COCO convention), ``outside``
        (``'dark'`` / ``'bright'``), ``value`` (outside intensity),
        ``angle`` (degrees) and ``boxes`` (bbox of the part of the image
        beyond each visible edge); None when no edge crosses the image.
    """
    size = float(min(width, height))
    rotated = rng.random() < 0.6
    angle = rng.uniform(-12.0, 12.0) if rotated else 0.0
    shutter = rng.random(4) < 0.5
    shutter[int(rng.integers(0, 4))] = True
    gaps = rng.uniform(0.01, 0.12, 4) * size + margin
    dark = rng.random() < 0.5
    value = rng.uniform(0.0, 22.0) if dark else rng.uniform(185.0, 240.0)

    ctr = np.array([width / 2.0, height / 2.0])
    corners, sides = _field_polygon(keep_boxes, ctr, angle, shutter, gaps,
                                    4.0 * (width + height))
    cov = np.zeros((height, width), np.uint8)
    # COCO -> OpenCV pixel-centre coordinates: - 0.5
    cv2.fillConvexPoly(cov, np.round((corners - 0.5) * FP).astype(np.int32),
                       255, cv2.LINE_AA, SHIFT)
    if cov.min() >= 128:
        return None
    boxes = _shutter_boxes(width, height, ctr,
                           [s for s, shut in zip(sides, shutter) if shut])
    return dict(coverage=cov, polygon=corners, outside='dark' if dark else
                'bright', value=float(value), angle=float(angle), boxes=boxes)
