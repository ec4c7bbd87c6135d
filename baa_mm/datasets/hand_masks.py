# Copyright (c) baa_mm contributors. All rights reserved.
"""Hand masks: polygons <-> masks, Supervisely polygons and automatic masks.

Pure numpy / OpenCV / pycocotools (no torch, no mmengine).

Coordinates
-----------
Polygons use the **COCO convention**: continuous coordinates in which pixel
``(x, y)`` covers ``[x, x + 1) x [y, y + 1)``, so its centre is
``(x + 0.5, y + 0.5)``. :func:`polygon_to_mask` rasterises with pycocotools
(exactly what mmdet's ``LoadAnnotations(with_mask=True)`` does), and
:func:`mask_to_coco_polygons` traces the mask upsampled 2x (nearest), so its
vertices lie on pixel *edges*; the round trip mask -> polygons -> mask keeps
IoU > 0.97 even for small masks (tracing the pixel centres would drop half of
every border pixel). Supervisely stores integer pixel indices, so
:func:`supervisely_to_polygon` adds 0.5 (the polygon passes through the
centres of the annotated pixels).

Automatic ("pseudo") hand masks
-------------------------------
:func:`pseudo_hand_mask` follows the recipe of the residual-attention bone
age papers: histogram normalisation, Canny edges, morphological closing,
hole filling, largest connected component. Plain hole filling fails on real
RSNA radiographs for three reasons, each handled by one step below: the
forearm leaves the image (its outline is open at the border), cassettes /
plates / collimator edges draw long straight lines that enclose the hand
together with the background, and labels touch the hand. All pixel sizes
below are for the working resolution (long side ``work_size`` = 384) and
scale with it.

1. **Working image**: the radiograph is resized so that its long side is
   ``work_size`` (INTER_AREA down, linear up), converted to 8 bits.
2. **Histogram normalisation**: CLAHE (clip limit 2, 8 x 8 tiles;
   ``equalize='hist'`` uses global equalisation, which is much worse on
   RSNA images, ``'none'`` skips it), then a Gaussian blur (sigma 1.15).
3. **Canny** with automatic thresholds: high = the 87th percentile of the
   Sobel gradient magnitude, low = 0.4 x high (L2 gradient).
4. **Plate edges removed**: straight segments found by a probabilistic Hough
   transform (length >= 0.3 x ``work_size``) are erased from the edge map
   (5 px wide) when they look like cassette / collimator edges: very long
   (>= 0.6 x ``work_size``), parallel to an image side within 10 % of it,
   or meeting another straight segment at a right angle (+-15 deg, ends
   within 5 %). Straight forearm outlines fulfil none of these and are kept.
5. **Closing**: the edges are dilated (3 px) and closed (11 px ellipse; the
   image is zero-padded first so that lines near the border do not merge
   with it). The result is the *barrier* map.
6. **Hole filling by regions**: the barrier-free pixels inside a 2 % border
   margin are split into 4-connected regions. A region is *background* when
   (a) it holds >= 15 % of the barrier-free pixels within 8 px of the
   margin boundary (the forearm leaves the image on one side only, the
   background touches most of the border), (b) it is a large (>= 1 % of
   the image) enclosed pocket whose median intensity is within 0.1 (of the
   1-99 % intensity range) of a large border-touching background region
   (background enclosed between the hand, a plate edge and the border), or
   (c) it is large (>= 5 %) and rectangular (fills >= 85 % of its
   minimum-area rectangle: a plate seen through). Every other region is a
   hole and is filled.
7. **Opening** (11 px ellipse) removes thin lines left attached to the hand.
8. **Components**: the largest 8-connected component is kept (with
   ``max_components=2`` also the second one when it has at least
   ``second_min_ratio`` of the largest's area, e.g. two hands).
9. **Plate pass**: when the kept component covers >= 10 % of the valid area
   and is rectangular (>= 0.85, hands reach 0.74 on the RSNA polygons), the
   hand was filled together with a plate; steps 6-8 are repeated inside the
   plate (eroded by the margin) once.
10. **Output**: the margin takes the values of the nearest valid pixels, the
    mask is eroded by 1 px (undoing the outward growth of the 3 px edge
    dilation) and resized to the input size (linear, threshold 0.5).

Parameters were tuned on the 9 RSNA radiographs of ``rsna_fullsize`` that have
a hand outline (mean IoU 0.948 at full resolution, min 0.900; see
``tools/analysis_tools/eval_pseudo_masks.py``, which is the reported number),
and checked on the 84 outlined hands that are among the 100 x 100 rsna100
thumbnails (mean IoU 0.875, median 0.932), on synthetic phantoms (style v1:
mean IoU 0.96 at 256 and 512 px, but only 0.80 at 128 px and 0.66 at 64 px,
where the soft-tissue edge is too weak; style v2 with distractors: 0.82 at
256 px) and visually on the other 28 full-size RSNA images. Known failure
modes: low-contrast soft tissue on a bright plate (parts of the palm are left
out), a hand lying on a plate whose inside has the tissue's intensity or
whose edges touch the hand (the plate is included), labels touching the
hand, two hands (only the largest is kept unless ``max_components=2``).
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from pycocotools import mask as mask_utils

__all__ = [
    'polygon_to_mask', 'mask_to_coco_polygons', 'mask_iou', 'mask_bbox',
    'pseudo_hand_mask', 'supervisely_to_polygon', 'PSEUDO_MASK_DEFAULTS'
]

#: Default parameters of :func:`pseudo_hand_mask` (pixel sizes are for
#: ``work_size=384`` and scale with it). See the module docstring.
PSEUDO_MASK_DEFAULTS: Dict[str, Union[int, float, str]] = dict(
    work_size=384,
    equalize='clahe',
    clahe_clip=2.0,
    clahe_tiles=8,
    blur_sigma=1.15,
    canny_percentile=87.0,
    canny_low_ratio=0.4,
    line_min_length=0.3,
    line_long_length=0.6,
    line_border_dist=0.1,
    line_corner_dist=0.05,
    line_votes=0.4,
    line_max_gap=6,
    line_erase_width=5,
    edge_dilate=3,
    close_size=11,
    open_size=11,
    border_margin=0.02,
    bg_contact=0.15,
    contact_width=8,
    pocket_min_area=0.01,
    pocket_tol=0.1,
    bg_min_area=0.02,
    rect_min_area=0.05,
    rect_thr=0.85,
    plate_min_area=0.1,
    plate_rect_thr=0.85,
    plate_passes=1,
    shrink=1,
    max_components=1,
    second_min_ratio=0.5,
)
_REF_SIZE = 384.


# ---------------------------------------------------------------------------
# Polygons and masks
# ---------------------------------------------------------------------------


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating))


def _as_polygon_list(points) -> List[np.ndarray]:
    """Normalise the polygon input forms to a list of (N, 2) float arrays."""
    if isinstance(points, np.ndarray):
        if points.ndim == 2 and points.shape[1] == 2:
            return [points.astype(np.float64)]
        if points.ndim == 1:
            return [points.astype(np.float64).reshape(-1, 2)]
        raise ValueError('a polygon array must have shape (N, 2) or (2N,), '
                         f'got {points.shape}')
    points = list(points)
    if not points:
        return []
    if all(_is_number(v) for v in points):  # one flat COCO polygon
        if len(points) % 2:
            raise ValueError('a flat polygon needs an even number of '
                             f'coordinates, got {len(points)}')
        return [np.asarray(points, np.float64).reshape(-1, 2)]
    first = points[0]
    if (not isinstance(first, np.ndarray) and len(first) == 2
            and all(_is_number(v) for v in first)):  # [[x, y], ...]
        return [np.asarray(points, np.float64).reshape(-1, 2)]
    polys = []
    for p in points:  # a list of polygons
        polys += _as_polygon_list(p)
    return polys


def polygon_to_mask(points, height: int, width: int) -> np.ndarray:
    """Rasterise polygon(s) in COCO coordinates to a bool mask.

    Uses pycocotools, like mmdet's ``LoadAnnotations``; several polygons are
    merged (union).

    Args:
        points: One polygon as an (N, 2) array / ``[[x, y], ...]`` / flat
            ``[x1, y1, x2, y2, ...]``, or a list of such polygons (a COCO
            ``segmentation`` list).
        height (int): Mask height.
        width (int): Mask width.

    Returns:
        np.ndarray: (height, width) bool.

    Raises:
        ValueError: A polygon with fewer than 3 points, or no polygon.
    """
    polys = _as_polygon_list(points)
    if not polys:
        raise ValueError('no polygon given')
    for p in polys:
        if len(p) < 3:
            raise ValueError(f'a polygon needs >= 3 points, got {len(p)}')
        if not np.all(np.isfinite(p)):
            raise ValueError('polygon coordinates must be finite')
    rles = mask_utils.frPyObjects([p.reshape(-1).tolist() for p in polys],
                                  int(height), int(width))
    return mask_utils.decode(mask_utils.merge(rles)).astype(bool)


def mask_to_coco_polygons(mask: np.ndarray,
                          epsilon: float = 0.5,
                          min_area: float = 0.0,
                          ndigits: Optional[int] = 2) -> List[List[float]]:
    """COCO polygons of a binary mask (one per external contour).

    The mask is upsampled 2x (nearest) and traced with ``cv2.findContours``
    (external contours, so holes are not represented), so the vertices lie on
    pixel edges; vertices are thinned with ``cv2.approxPolyDP`` (``epsilon``
    pixels of the original mask). Rasterising the result with
    :func:`polygon_to_mask` reproduces a hole-free mask with IoU > 0.97.

    Args:
        mask (np.ndarray): (H, W) binary mask.
        epsilon (float): Simplification tolerance in pixels; 0 keeps every
            contour vertex. Defaults to 0.5.
        min_area (float): Drop contours whose polygon area (pixels) is
            smaller. Defaults to 0 (keep all with >= 3 vertices).
        ndigits (int, optional): Round coordinates to this many decimals
            (None: keep full precision). Defaults to 2.

    Returns:
        list[list[float]]: Polygons ``[x1, y1, x2, y2, ...]`` (may be empty).
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f'expected a (H, W) mask, got shape {mask.shape}')
    up = np.repeat(np.repeat((mask > 0).astype(np.uint8), 2, axis=0), 2,
                   axis=1)
    contours, _ = cv2.findContours(up, cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    polys = []
    for cnt in contours:
        if epsilon > 0:
            cnt = cv2.approxPolyDP(cnt, 2.0 * epsilon, True)
        if len(cnt) < 3:
            continue
        # upsampled pixel i covers [i/2, (i+1)/2): its centre is (i+0.5)/2
        pts = (cnt[:, 0, :].astype(np.float64) + 0.5) / 2.0
        if min_area > 0 and cv2.contourArea(pts.astype(np.float32)) < \
                min_area:
            continue
        polys.append([float(v) if ndigits is None else round(float(v), ndigits)
                      for v in pts.reshape(-1)])
    return polys


def coco_image_id(stem: str, used: set) -> int:
    """COCO image id for a file stem: the number itself for numeric stems
    (RSNA ids stay recognisable), else the next free id. Adds nothing to
    ``used``; the caller records the id it takes.
    """
    if stem.isdigit() and int(stem) not in used:
        return int(stem)
    i = max(used, default=0) + 1
    while i in used:
        i += 1
    return i


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two binary masks of the same shape.

    Two empty masks agree perfectly (IoU 1.0).
    """
    a, b = np.asarray(a) > 0, np.asarray(b) > 0
    if a.shape != b.shape:
        raise ValueError(f'mask shapes differ: {a.shape} vs {b.shape}')
    union = int(np.count_nonzero(a | b))
    if union == 0:
        return 1.0
    return int(np.count_nonzero(a & b)) / union


def mask_bbox(mask: np.ndarray) -> List[float]:
    """COCO box ``[x, y, w, h]`` of the nonzero pixels ([0, 0, 0, 0] if
    empty)."""
    ys, xs = np.nonzero(np.asarray(mask))
    if len(xs) == 0:
        return [0.0, 0.0, 0.0, 0.0]
    x1, y1 = int(xs.min()), int(ys.min())
    return [float(x1), float(y1), float(xs.max() - x1 + 1),
            float(ys.max() - y1 + 1)]


# ---------------------------------------------------------------------------
# Supervisely
# ---------------------------------------------------------------------------


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
    out = dict(height=height, width=width, polygons=[], interiors=[],
               class_titles=[], skipped=[])
    for i, obj in enumerate(objects):
        title = obj.get('classTitle') if isinstance(obj, dict) else None
        if class_titles is not None and title not in class_titles:
            out['skipped'].append((i, f'class {title!r} not selected'))
            continue
        geometry = obj.get('geometryType') if isinstance(obj, dict) else None
        points = (obj.get('points') or {}) if isinstance(obj, dict) else {}
        try:
            exterior = np.asarray(points.get('exterior', []), np.float64)
            interior = [np.asarray(h, np.float64)
                        for h in points.get('interior', []) or []]
        except (TypeError, ValueError):
            out['skipped'].append((i, 'malformed points'))
            continue
        if geometry == 'rectangle' and exterior.shape == (2, 2):
            (x1, y1), (x2, y2) = exterior.min(0), exterior.max(0) + 1
            out['polygons'].append(
                np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]]))
            out['interiors'].append([])
            out['class_titles'].append(title)
            continue
        if geometry not in (None, 'polygon'):
            out['skipped'].append((i, f'unsupported geometry {geometry!r}'))
            continue
        if exterior.ndim != 2 or exterior.shape[1] != 2 or \
                len(exterior) < 3:
            out['skipped'].append(
                (i, f'polygon with {len(exterior)} (< 3) points'))
            continue
        out['polygons'].append(exterior + 0.5)
        out['interiors'].append([h + 0.5 for h in interior
                                 if h.ndim == 2 and len(h) >= 3])
        out['class_titles'].append(title)
    return out


# ---------------------------------------------------------------------------
# Automatic hand masks
# ---------------------------------------------------------------------------


def _ellipse(size: int) -> np.ndarray:
    size = max(1, int(size))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def _odd(value: float, scale: float) -> int:
    return max(1, int(round(value * scale))) | 1


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """Fill the holes of a uint8 mask (flood fill from outside)."""
    h, w = mask.shape
    pad = np.zeros((h + 2, w + 2), np.uint8)
    pad[1:-1, 1:-1] = mask > 0
    flood = pad.copy()
    cv2.floodFill(flood, np.zeros((h + 4, w + 4), np.uint8), (0, 0), 1)
    return (pad | (flood == 0))[1:-1, 1:-1].astype(np.uint8)


def _rectangularity(mask: np.ndarray) -> float:
    """Area of the largest contour / area of its minimum-area rectangle."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return 0.
    c = max(contours, key=cv2.contourArea)
    _, (w, h), _ = cv2.minAreaRect(c)
    return float(cv2.contourArea(c)) / max(w * h, 1.)


def _plate_lines(lines: np.ndarray, h: int, w: int, p: dict) -> np.ndarray:
    """The straight segments that look like cassette / collimator edges."""
    size = max(h, w)
    d = lines[:, 2:] - lines[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    angle = np.degrees(np.arctan2(d[:, 1], d[:, 0])) % 180
    keep = length >= p['line_long_length'] * size
    near = p['line_border_dist'] * size
    for i, (x1, y1, x2, y2) in enumerate(lines):
        a = angle[i]
        if min(a, 180 - a) < 10:  # horizontal: near the top or bottom
            dist = max(min(y1, h - 1 - y1), min(y2, h - 1 - y2))
        elif abs(a - 90) < 10:  # vertical: near the left or right side
            dist = max(min(x1, w - 1 - x1), min(x2, w - 1 - x2))
        else:
            continue
        keep[i] |= dist <= near
    ends = [np.stack([seg[:2], seg[2:]]) for seg in lines]
    corner = p['line_corner_dist'] * size
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            da = abs(angle[i] - angle[j]) % 180
            if abs(min(da, 180 - da) - 90) > 15:
                continue
            gap = np.hypot(*(ends[i][:, None] - ends[j][None]).transpose(
                2, 0, 1)).min()
            if gap <= corner:
                keep[i] = keep[j] = True
    return lines[keep]


def _classify_regions(barrier: np.ndarray, valid: np.ndarray,
                      gray: np.ndarray, p: dict) -> np.ndarray:
    """Barrier + the regions that are holes (step 6), inside ``valid``."""
    free = (valid & (1 - barrier)).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    width = int(p['_contact_px'])
    inner = cv2.erode(valid, _ellipse(2 * width + 1),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)
    boundary = (free > 0) & (inner == 0)
    contact = np.bincount(lab[boundary], minlength=n)
    perimeter = max(int(boundary.sum()), 1)
    valid_area = max(int(valid.sum()), 1)
    is_bg = contact >= p['bg_contact'] * perimeter
    bg = [r for r in range(1, n) if is_bg[r]]
    big_bg = [r for r in bg
              if stats[r, cv2.CC_STAT_AREA] >= p['bg_min_area'] * valid_area]
    levels = [float(np.median(gray[lab == r])) for r in (big_bg or bg)]
    fill = np.zeros(n, bool)
    for r in range(1, n):
        if is_bg[r]:
            continue
        area = stats[r, cv2.CC_STAT_AREA]
        if levels and area >= p['pocket_min_area'] * valid_area:
            level = float(np.median(gray[lab == r]))
            if min(abs(level - b) for b in levels) < p['pocket_tol']:
                continue  # background pocket
        if area >= p['rect_min_area'] * valid_area:
            x, y, w, h = stats[r, :4]
            region = _fill_holes(lab[y:y + h, x:x + w] == r)
            if _rectangularity(region) >= p['rect_thr']:
                continue  # a plate seen through
        fill[r] = True
    return (((barrier & valid) > 0) | fill[lab]).astype(np.uint8)


def _largest_components(mask: np.ndarray, max_components: int,
                        second_min_ratio: float) -> Tuple[np.ndarray, list]:
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return np.zeros_like(mask), []
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = np.argsort(-areas) + 1
    keep = [order[0]]
    for r in order[1:max_components]:
        if stats[r, cv2.CC_STAT_AREA] >= second_min_ratio * \
                stats[order[0], cv2.CC_STAT_AREA]:
            keep.append(r)
    return (np.isin(lab, keep).astype(np.uint8),
            [int(stats[r, cv2.CC_STAT_AREA]) for r in keep])


def _to_uint8(img: np.ndarray) -> np.ndarray:
    img = np.asarray(img)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim != 2:
        raise ValueError('expected a (H, W) grayscale image, got shape '
                         f'{img.shape}')
    if img.size == 0:
        raise ValueError('empty image')
    if img.dtype == np.uint8:
        return img
    if img.dtype == bool:
        return img.astype(np.uint8) * 255
    if np.issubdtype(img.dtype, np.integer):
        return (img.astype(np.float64) / np.iinfo(img.dtype).max * 255 +
                0.5).clip(0, 255).astype(np.uint8)
    img = np.nan_to_num(img.astype(np.float32), nan=0., posinf=1., neginf=0.)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def pseudo_hand_mask(img: np.ndarray,
                     return_info: bool = False,
                     **params) -> Union[np.ndarray, Tuple[np.ndarray, dict]]:
    """Automatic hand mask of a radiograph (edges + morphology).

    See the module docstring for the algorithm and
    :data:`PSEUDO_MASK_DEFAULTS` for the parameters (any of them can be
    passed as a keyword argument).

    Args:
        img (np.ndarray): (H, W) radiograph, float in [0, 1] (as
            :func:`~baa_mm.datasets.image_io.decode_radiograph` returns),
            uint8, or another integer type (scaled by its maximum).
        return_info (bool): Also return a dict with ``num_components``,
            ``component_areas`` (pixels of the working image),
            ``plate_passes`` (how many times a plate was detected),
            ``lines_removed``, ``work_shape`` and ``reason`` (why the mask is
            empty, else None).
        **params: Overrides of :data:`PSEUDO_MASK_DEFAULTS`.

    Returns:
        np.ndarray | tuple: (H, W) bool mask (all False when no hand was
        found), and the info dict if ``return_info``.

    Raises:
        ValueError: Not a 2-D image, or an unknown parameter.
    """
    unknown = set(params) - set(PSEUDO_MASK_DEFAULTS)
    if unknown:
        raise ValueError(f'unknown pseudo_hand_mask parameter(s): '
                         f'{sorted(unknown)}; known: '
                         f'{sorted(PSEUDO_MASK_DEFAULTS)}')
    p = dict(PSEUDO_MASK_DEFAULTS, **params)
    if p['equalize'] not in ('clahe', 'hist', 'none'):
        raise ValueError("equalize must be 'clahe', 'hist' or 'none', got "
                         f"{p['equalize']!r}")
    if int(p['max_components']) < 1:
        raise ValueError('max_components must be >= 1')
    img8 = _to_uint8(img)
    H, W = img8.shape
    work = int(p['work_size'])
    scale = work / max(H, W)
    ks = work / _REF_SIZE
    dil, close, opn, erase = (_odd(p[k], ks) for k in (
        'edge_dilate', 'close_size', 'open_size', 'line_erase_width'))
    wh, ww = max(1, round(H * scale)), max(1, round(W * scale))
    info = dict(num_components=0, component_areas=[], plate_passes=0,
                lines_removed=0, work_shape=(wh, ww), reason=None)

    def _result(mask_small: Optional[np.ndarray], reason: Optional[str]):
        if mask_small is None or not mask_small.any():
            mask = np.zeros((H, W), bool)
            info['reason'] = reason or 'no hand region found'
            info['num_components'] = 0
            info['component_areas'] = []
        else:
            mask = cv2.resize(mask_small.astype(np.float32), (W, H),
                              interpolation=cv2.INTER_LINEAR) >= 0.5
        return (mask, info) if return_info else mask

    gray = cv2.resize(img8, (ww, wh), interpolation=cv2.INTER_AREA
                      if scale < 1 else cv2.INTER_LINEAR)
    if int(gray.max()) - int(gray.min()) < 2:
        return _result(None, 'flat image (no contrast)')
    im = gray
    if p['equalize'] == 'clahe':
        tiles = int(p['clahe_tiles'])
        im = cv2.createCLAHE(float(p['clahe_clip']),
                             (tiles, tiles)).apply(im)
    elif p['equalize'] == 'hist':
        im = cv2.equalizeHist(im)
    if p['blur_sigma'] > 0:
        im = cv2.GaussianBlur(im, (0, 0), float(p['blur_sigma']) * ks)
    magnitude = np.hypot(cv2.Sobel(im, cv2.CV_32F, 1, 0),
                         cv2.Sobel(im, cv2.CV_32F, 0, 1))
    high = float(np.percentile(magnitude, p['canny_percentile']))
    if high <= 0:
        return _result(None, 'no edges found')
    edges = (cv2.Canny(im, p['canny_low_ratio'] * high, high,
                       L2gradient=True) > 0).astype(np.uint8)
    if not edges.any():
        return _result(None, 'no edges found')

    # 4. straight cassette / collimator edges
    if p['line_min_length'] > 0:
        min_len = p['line_min_length'] * work
        lines = cv2.HoughLinesP(
            edges, 2, np.pi / 360,
            threshold=max(1, int(min_len * p['line_votes'])),
            minLineLength=min_len, maxLineGap=p['line_max_gap'] * ks)
        if lines is not None:
            lines = _plate_lines(lines.reshape(-1, 4).astype(np.float64),
                                 wh, ww, p)
            info['lines_removed'] = len(lines)
            for x1, y1, x2, y2 in lines:
                cv2.line(edges, (int(x1), int(y1)), (int(x2), int(y2)), 0,
                         erase)

    # 5. barrier map
    barrier = cv2.dilate(edges, _ellipse(dil)) if dil > 1 else edges
    barrier = cv2.copyMakeBorder(barrier, close, close, close, close,
                                 cv2.BORDER_CONSTANT, value=0)
    barrier = cv2.morphologyEx(barrier, cv2.MORPH_CLOSE,
                               _ellipse(close))[close:-close, close:-close]

    # 6-9. regions, opening, components, plate pass
    g = gray.astype(np.float32)
    lo, hi = np.percentile(g, [1, 99])
    g = (g - lo) / max(hi - lo, 1.)
    p['_contact_px'] = max(1, int(round(p['contact_width'] * ks)))
    k = int(round(p['border_margin'] * work))
    if 2 * k >= min(wh, ww) - 2:
        k = 0
    valid = np.zeros_like(barrier)
    valid[k:wh - k, k:ww - k] = 1
    out = np.zeros_like(barrier)
    for depth in range(int(p['plate_passes']) + 1):
        filled = _classify_regions(barrier, valid, g, p)
        if opn > 1:
            filled = cv2.morphologyEx(filled, cv2.MORPH_OPEN, _ellipse(opn))
        out, areas = _largest_components(filled, int(p['max_components']),
                                         float(p['second_min_ratio']))
        info['num_components'], info['component_areas'] = len(areas), areas
        if (depth < p['plate_passes'] and areas
                and out.sum() >= p['plate_min_area'] * valid.sum()
                and _rectangularity(out) >= p['plate_rect_thr']):
            info['plate_passes'] += 1
            valid = cv2.erode(_fill_holes(out), _ellipse(2 * k + 1))
            if not valid.any():
                break
            continue
        break
    if not out.any():
        return _result(None, 'no closed hand outline found (every region '
                       'was classified as background)')

    # 10. margin, shrink, resize
    if k > 0:
        out = cv2.copyMakeBorder(out[k:wh - k, k:ww - k], k, k, k, k,
                                 cv2.BORDER_REPLICATE)
    shrink = int(math.ceil(p['shrink'] * ks)) if p['shrink'] > 0 else 0
    if shrink > 0:
        out = cv2.erode(out, _ellipse(2 * shrink + 1))
    return _result(out, 'mask vanished after erosion')
