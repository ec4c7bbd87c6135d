"""How much of a class activation map lies inside annotated boxes.

Shapes: H x W the map, K boxes ``[x1, y1, x2, y2]`` in the map's pixels
(COCO / mmdet convention: pixel ``x`` covers ``[x, x + 1)``).
"""
from typing import Dict, List, Sequence, Tuple

import numpy as np

__all__ = ['boxes_mask', 'box_energy_share', 'category_energy_shares',
           'summarize_energy_shares']


def boxes_mask(boxes: np.ndarray, shape: Tuple[int, int]) -> np.ndarray:
    """(H, W) bool mask of the union of the boxes: the pixels whose centre
    ``(x + 0.5, y + 0.5)`` lies inside a box (boxes are clipped to the
    map).

    Args:
        boxes (np.ndarray): (K, 4) ``[x1, y1, x2, y2]``.
        shape (tuple[int, int]): (H, W).

    Returns:
        np.ndarray: (H, W) bool.
    """
    h, w = int(shape[0]), int(shape[1])
    mask = np.zeros((h, w), bool)
    for x1, y1, x2, y2 in np.asarray(boxes, np.float64).reshape(-1, 4):
        c1, c2 = (int(np.clip(np.ceil(v - 0.5), 0, w)) for v in (x1, x2))
        r1, r2 = (int(np.clip(np.ceil(v - 0.5), 0, h)) for v in (y1, y2))
        mask[r1:r2, c1:c2] = True
    return mask


def box_energy_share(cam: np.ndarray,
                     boxes: np.ndarray) -> Tuple[float, float]:
    """Share of a map's energy inside the union of boxes, and the share of
    the map's area that union covers.

    A map that ignores the boxes has ``energy_share ≈ area_share`` (a
    uniform map: exactly); a map concentrated in them has
    ``energy_share`` close to 1 while ``area_share`` stays small.

    Args:
        cam (np.ndarray): (H, W) non-negative map (e.g. Grad-CAM in [0, 1]).
        boxes (np.ndarray): (K, 4) ``[x1, y1, x2, y2]`` in ``cam`` pixels.

    Returns:
        tuple[float, float]: ``energy_share`` (sum of ``cam`` inside /
        total sum; NaN for an all-zero map) and ``area_share`` (pixels
        inside / H * W), both in [0, 1]; (0, 0) for no boxes.

    Raises:
        ValueError: ``cam`` is not 2-D or has negative values.
    """
    cam = np.asarray(cam, np.float64)
    if cam.ndim != 2:
        raise ValueError(f'cam must be (H, W), got shape {cam.shape}')
    if (cam < 0).any():
        raise ValueError('cam has negative values; energy shares need a '
                         'non-negative map')
    mask = boxes_mask(boxes, cam.shape)
    total = cam.sum()
    energy = float(cam[mask].sum() / total) if total > 0 else float('nan')
    return energy, float(mask.mean())


def category_energy_shares(cam: np.ndarray, boxes: np.ndarray,
                           categories: Sequence[str]
                           ) -> Dict[str, Tuple[float, float]]:
    """:func:`box_energy_share` of the boxes of each category.

    Args:
        cam (np.ndarray): (H, W) map.
        boxes (np.ndarray): (K, 4) boxes.
        categories (Sequence[str]): K category names.

    Returns:
        dict: ``{category: (energy_share, area_share)}`` in first-seen
        order.
    """
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    if len(categories) != len(boxes):
        raise ValueError(f'{len(categories)} categories for {len(boxes)} '
                         'boxes')
    out = {}
    for name in dict.fromkeys(categories):
        keep = np.array([c == name for c in categories])
        out[name] = box_energy_share(cam, boxes[keep])
    return out


def summarize_energy_shares(rows: Sequence[Dict]) -> Dict[str, dict]:
    """Mean shares over images, per category.

    Args:
        rows (Sequence[dict]): One per image and category, with
            ``category``, ``energy_share`` and ``area_share``.

    Returns:
        dict: ``{category: dict(images, energy_share, area_share,
        ratio)}`` in first-seen order: the means over the images (NaN
        energies of all-zero maps left out) and ``ratio`` = mean energy
        share / mean area share (> 1: the map favours the boxes).
    """
    out = {}
    for name in dict.fromkeys(r['category'] for r in rows):
        sel: List[Dict] = [r for r in rows if r['category'] == name
                           and not np.isnan(r['energy_share'])]
        if not sel:
            continue
        energy = float(np.mean([r['energy_share'] for r in sel]))
        area = float(np.mean([r['area_share'] for r in sel]))
        out[name] = dict(images=len(sel), energy_share=energy,
                         area_share=area,
                         ratio=energy / area if area > 0 else float('nan'))
    return out
