"""Supervisely polygon annotations (``<image>.json``) -> COCO polygons/masks.

Supervisely stores integer pixel indices; they become COCO coordinates
(pixel centres, index + 0.5). Polygons are (N, 2) float arrays of ``(x, y)``
vertices, masks (H, W) bool arrays.
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .polygons import polygon_to_mask

__all__ = ['supervisely_to_polygon', 'supervisely_to_mask']

#: One read object: ``(exterior, holes, class title)`` in COCO coordinates.
_Polygon = Tuple[np.ndarray, List[np.ndarray], Optional[str]]


def _check_header(ann: dict) -> Tuple[int, int, list]:
    """``(height, width, objects)`` of a Supervisely annotation."""
    if not isinstance(ann, dict):
        raise ValueError('a Supervisely annotation must be a JSON object, '
                         f'got {type(ann).__name__}')
    size = ann.get('size')
    try:
        height, width = int(size['height']), int(size['width'])
    except (TypeError, KeyError, ValueError):
        raise ValueError('not a Supervisely annotation: missing or invalid '
                         f'"size" (got {size!r})') from None
    if height <= 0 or width <= 0:
        raise ValueError(f'invalid image size {width}x{height}')
    objects = ann.get('objects')
    if not isinstance(objects, list):
        raise ValueError('not a Supervisely annotation: no "objects" list')
    return height, width, objects


def _read_object(obj, class_titles: Optional[Sequence[str]]
                 ) -> Tuple[Optional[_Polygon], Optional[str]]:
    """``(polygon, None)`` for a readable object, else ``(None, reason)``."""
    title = obj.get('classTitle') if isinstance(obj, dict) else None
    if class_titles is not None and title not in class_titles:
        return None, f'class {title!r} not selected'
    geometry = obj.get('geometryType') if isinstance(obj, dict) else None
    points = (obj.get('points') or {}) if isinstance(obj, dict) else {}
    try:
        exterior = np.asarray(points.get('exterior', []), np.float64)
        interior = [np.asarray(h, np.float64)
                    for h in points.get('interior', []) or []]
    except (TypeError, ValueError):
        return None, 'malformed points'
    if geometry == 'rectangle' and exterior.shape == (2, 2):
        (x1, y1), (x2, y2) = exterior.min(0), exterior.max(0) + 1
        corners = np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]])
        return (corners, [], title), None
    if geometry not in (None, 'polygon'):
        return None, f'unsupported geometry {geometry!r}'
    if exterior.ndim != 2 or exterior.shape[1] != 2 or len(exterior) < 3:
        return None, f'polygon with {len(exterior)} (< 3) points'
    holes = [h + 0.5 for h in interior if h.ndim == 2 and len(h) >= 3]
    return (exterior + 0.5, holes, title), None


def supervisely_to_polygon(ann: dict,
                           class_titles: Optional[Sequence[str]] = None
                           ) -> dict:
    """Read the polygons of one Supervisely annotation (``<image>.json``).

    Supervisely format: ``{"size": {"height": H, "width": W}, "objects":
    [{"classTitle": ..., "geometryType": "polygon", "points": {"exterior":
    [[x, y], ...], "interior": [[[x, y], ...], ...]}}, ...]}``; an object
    without ``geometryType`` but with >= 3 exterior points is read as a
    polygon, and ``"rectangle"`` objects (2 exterior points) become 4-point
    polygons. Other geometries (bitmap, point, line, ...) are not read and
    are reported in ``skipped``.

    Args:
        ann (dict): The parsed JSON.
        class_titles (Sequence[str], optional): Only read objects of these
            classes; the others are reported in ``skipped``. Default: all.

    Returns:
        dict: ``height``, ``width`` (from ``size``), ``polygons`` (list of
        (N, 2) float arrays, COCO coordinates: Supervisely's integer pixel
        indices + 0.5), ``interiors`` (one list of hole polygons per
        polygon), ``class_titles`` (one per polygon) and ``skipped`` (list
        of ``(object index, reason)``).

    Raises:
        ValueError: Not a Supervisely annotation (no valid ``size`` or
            ``objects``).
    """
    height, width, objects = _check_header(ann)
    out = dict(height=height, width=width, polygons=[], interiors=[],
               class_titles=[], skipped=[])
    for i, obj in enumerate(objects):
        polygon, reason = _read_object(obj, class_titles)
        if polygon is None:
            out['skipped'].append((i, reason))
            continue
        exterior, holes, title = polygon
        out['polygons'].append(exterior)
        out['interiors'].append(holes)
        out['class_titles'].append(title)
    return out


def supervisely_to_mask(ann: dict, height: int, width: int) -> np.ndarray:
    """Rasterise a Supervisely annotation, rescaled to ``(height, width)``.

    The polygons are scaled per axis from the annotation's ``size`` (e.g.
    full-resolution outlines onto thumbnails) and merged; interiors are
    subtracted.

    Args:
        ann (dict): The parsed JSON (see :func:`supervisely_to_polygon`).
        height (int): Mask height.
        width (int): Mask width.

    Returns:
        np.ndarray: (height, width) bool mask.

    Raises:
        ValueError: Not a Supervisely annotation, or no polygon in it.
    """
    sly = supervisely_to_polygon(ann)
    scale = np.array([width / sly['width'], height / sly['height']])
    mask = polygon_to_mask([p * scale for p in sly['polygons']], height,
                           width)
    holes = [q * scale for hs in sly['interiors'] for q in hs]
    if holes:
        mask &= ~polygon_to_mask(holes, height, width)
    return mask
