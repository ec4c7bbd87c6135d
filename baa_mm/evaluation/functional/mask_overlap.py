"""Overlap of a predicted binary mask with a ground-truth mask."""
from typing import Dict

import numpy as np

__all__ = ['mask_overlap']


def mask_overlap(mask: np.ndarray, gt: np.ndarray) -> Dict[str, float]:
    """IoU, precision and recall of a mask against the ground truth.

    Args:
        mask (np.ndarray): (H, W) predicted mask (nonzero = inside).
        gt (np.ndarray): (H, W) ground-truth mask.

    Returns:
        dict: ``iou`` (1.0 when both are empty), ``precision``
        (|mask & gt| / |mask|, 0 for an empty mask) and ``recall``
        (|mask & gt| / |gt|, 0 for an empty ground truth), all in [0, 1].

    Raises:
        ValueError: The shapes differ.
    """
    mask, gt = np.asarray(mask) > 0, np.asarray(gt) > 0
    if mask.shape != gt.shape:
        raise ValueError(f'mask shapes differ: {mask.shape} vs {gt.shape}')
    inter = int(np.count_nonzero(mask & gt))
    union = int(np.count_nonzero(mask | gt))
    return dict(iou=inter / union if union else 1.0,
                precision=inter / max(int(mask.sum()), 1),
                recall=inter / max(int(gt.sum()), 1))
