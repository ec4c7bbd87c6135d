"""Region steps of :func:`~.pseudo_mask.pseudo_hand_mask` (OpenCV).

Plate-edge detection (step 4), hole filling by regions (step 6) and the
component choice (step 8) of the algorithm described in
``docs/hand_masks.md``. Masks are (h, w) ``uint8`` arrays of 0/1 at the
working resolution; ``p`` is the full parameter dict of
:data:`~.pseudo_mask.PSEUDO_MASK_DEFAULTS` (plus ``_contact_px``).
"""
from typing import List, Tuple

import cv2
import numpy as np

__all__ = [
    'ellipse_kernel', 'fill_holes', 'rectangularity', 'plate_lines',
    'classify_regions', 'largest_components'
]


def ellipse_kernel(size: int) -> np.ndarray:
    """Elliptic structuring element of ``size`` x ``size`` (at least 1)."""
    size = max(1, int(size))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Fill the holes of a mask (flood fill from outside).

    Args:
        mask (np.ndarray): (h, w) mask (nonzero = inside).

    Returns:
        np.ndarray: (h, w) ``uint8`` 0/1 mask without holes.
    """
    h, w = mask.shape
    pad = np.zeros((h + 2, w + 2), np.uint8)
    pad[1:-1, 1:-1] = mask > 0
    flood = pad.copy()
    cv2.floodFill(flood, np.zeros((h + 4, w + 4), np.uint8), (0, 0), 1)
    return (pad | (flood == 0))[1:-1, 1:-1].astype(np.uint8)


def rectangularity(mask: np.ndarray) -> float:
    """Area of the largest contour / area of its minimum-area rectangle.

    Args:
        mask (np.ndarray): (h, w) mask.

    Returns:
        float: In [0, 1] (0 for an empty mask); 1 for a rectangle.
    """
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return 0.
    c = max(contours, key=cv2.contourArea)
    _, (w, h), _ = cv2.minAreaRect(c)
    return float(cv2.contourArea(c)) / max(w * h, 1.)


def _near_border(lines: np.ndarray, angle: np.ndarray, h: int, w: int,
                 near: float) -> np.ndarray:
    """(L, ) bool: horizontal / vertical segments within ``near`` pixels of
    the parallel image side."""
    keep = np.zeros(len(lines), bool)
    for i, (x1, y1, x2, y2) in enumerate(lines):
        a = angle[i]
        if min(a, 180 - a) < 10:  # horizontal: near the top or bottom
            dist = max(min(y1, h - 1 - y1), min(y2, h - 1 - y2))
        elif abs(a - 90) < 10:  # vertical: near the left or right side
            dist = max(min(x1, w - 1 - x1), min(x2, w - 1 - x2))
        else:
            continue
        keep[i] = dist <= near
    return keep


def _right_angle_corners(lines: np.ndarray, angle: np.ndarray,
                         corner: float) -> np.ndarray:
    """(L, ) bool: segments meeting another one at a right angle (+-15 deg)
    with ends within ``corner`` pixels."""
    keep = np.zeros(len(lines), bool)
    ends = [np.stack([seg[:2], seg[2:]]) for seg in lines]
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            da = abs(angle[i] - angle[j]) % 180
            if abs(min(da, 180 - da) - 90) > 15:
                continue
            gap = np.hypot(*(ends[i][:, None] - ends[j][None]).transpose(
                2, 0, 1)).min()
            if gap <= corner:
                keep[i] = keep[j] = True
    return keep


def plate_lines(lines: np.ndarray, h: int, w: int, p: dict) -> np.ndarray:
    """The straight segments that look like cassette / collimator edges.

    Very long ones, ones parallel to and near an image side, and ones
    meeting another segment at a right angle.

    Args:
        lines (np.ndarray): (L, 4) float segments ``x1, y1, x2, y2``.
        h (int): Working image height.
        w (int): Working image width.
        p (dict): Parameters (``line_long_length``, ``line_border_dist``,
            ``line_corner_dist``).

    Returns:
        np.ndarray: (K, 4) the selected segments.
    """
    size = max(h, w)
    d = lines[:, 2:] - lines[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    angle = np.degrees(np.arctan2(d[:, 1], d[:, 0])) % 180
    keep = length >= p['line_long_length'] * size
    keep |= _near_border(lines, angle, h, w, p['line_border_dist'] * size)
    keep |= _right_angle_corners(lines, angle, p['line_corner_dist'] * size)
    return lines[keep]


def _background_regions(lab: np.ndarray, stats: np.ndarray, n: int,
                        free: np.ndarray, valid: np.ndarray,
                        p: dict) -> Tuple[np.ndarray, List[int]]:
    """Regions touching the margin boundary (step 6a): ``(is_bg, big)``,
    (n, ) bool and the large background regions (or all if none is)."""
    width = int(p['_contact_px'])
    inner = cv2.erode(valid, ellipse_kernel(2 * width + 1),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)
    boundary = (free > 0) & (inner == 0)
    contact = np.bincount(lab[boundary], minlength=n)
    perimeter = max(int(boundary.sum()), 1)
    valid_area = max(int(valid.sum()), 1)
    is_bg = contact >= p['bg_contact'] * perimeter
    bg = [r for r in range(1, n) if is_bg[r]]
    big_bg = [r for r in bg
              if stats[r, cv2.CC_STAT_AREA] >= p['bg_min_area'] * valid_area]
    return is_bg, big_bg or bg


def classify_regions(barrier: np.ndarray, valid: np.ndarray,
                     gray: np.ndarray, p: dict) -> np.ndarray:
    """Barrier + the regions that are holes (step 6), inside ``valid``.

    Args:
        barrier (np.ndarray): (h, w) ``uint8`` closed edge map.
        valid (np.ndarray): (h, w) ``uint8`` area to work in.
        gray (np.ndarray): (h, w) float32 image, 1-99 % range -> [0, 1].
        p (dict): Parameters (see the module docstring).

    Returns:
        np.ndarray: (h, w) ``uint8`` 0/1 filled mask.
    """
    free = (valid & (1 - barrier)).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    is_bg, bg = _background_regions(lab, stats, n, free, valid, p)
    valid_area = max(int(valid.sum()), 1)
    levels = [float(np.median(gray[lab == r])) for r in bg]
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
            region = fill_holes(lab[y:y + h, x:x + w] == r)
            if rectangularity(region) >= p['rect_thr']:
                continue  # a plate seen through
        fill[r] = True
    return (((barrier & valid) > 0) | fill[lab]).astype(np.uint8)


def largest_components(mask: np.ndarray, max_components: int,
                       second_min_ratio: float) -> Tuple[np.ndarray, list]:
    """Keep the largest 8-connected component(s) (step 8).

    Args:
        mask (np.ndarray): (h, w) ``uint8`` mask.
        max_components (int): At most this many components.
        second_min_ratio (float): A further component is kept only with at
            least this fraction of the largest one's area.

    Returns:
        tuple: ``(kept, areas)``: (h, w) ``uint8`` 0/1 mask and the pixel
        areas of the kept components (empty list if none).
    """
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
