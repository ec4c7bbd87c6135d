"""Check image of a hand mask: outlines of prediction and ground truth."""
from typing import Optional, Tuple

import cv2
import numpy as np

__all__ = ['draw_mask_overlay']

#: BGR colours and line widths of the outlines.
PRED_COLOR, PRED_THICKNESS = (0, 0, 255), 2  # red
GT_COLOR, GT_THICKNESS = (0, 200, 0), 1  # green


def _draw_outline(vis: np.ndarray, mask: Optional[np.ndarray],
                  size: Tuple[int, int], color: Tuple[int, int, int],
                  thickness: int) -> None:
    """Draw the outer contours of ``mask`` (resized to ``size`` = (w, h))
    on ``vis`` in place; nothing for a missing or empty mask."""
    if mask is None or not mask.any():
        return
    small = cv2.resize(mask.astype(np.uint8), size,
                       interpolation=cv2.INTER_NEAREST)
    contours, _ = cv2.findContours(small, cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(vis, contours, -1, color, thickness)


def _draw_text(vis: np.ndarray, text: str) -> None:
    """Yellow text with a black border at the top left, one line per
    ``\\n``."""
    scale = max(0.35, vis.shape[1] / 700)
    for dy, line in enumerate(text.split('\n')):
        org = (4, int(16 * scale * (dy + 1)) + 2)
        cv2.putText(vis, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(vis, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (0, 255, 255), 1, cv2.LINE_AA)


def draw_mask_overlay(img: np.ndarray,
                      mask: Optional[np.ndarray],
                      gt: Optional[np.ndarray],
                      text: str,
                      max_size: int = 512) -> np.ndarray:
    """Grayscale radiograph with the mask outline in red (2 px), the
    ground-truth outline in green (1 px) and text.

    Args:
        img (np.ndarray): (H, W) float image in [0, 1].
        mask (np.ndarray, optional): (H, W) predicted mask (None or empty:
            no red outline).
        gt (np.ndarray, optional): (H, W) ground-truth mask (None or empty:
            no green outline).
        text (str): Drawn at the top left (``\\n`` separates lines).
        max_size (int): Long side of the result at most (never enlarged).

    Returns:
        np.ndarray: (h, w, 3) uint8 BGR image, ``(h, w)`` = ``(H, W)``
        scaled by ``min(1, max_size / max(H, W))``.
    """
    h, w = img.shape
    s = min(1.0, max_size / max(h, w))
    size = (max(1, round(w * s)), max(1, round(h * s)))
    gray = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
    vis = cv2.cvtColor(cv2.resize(gray, size, interpolation=cv2.INTER_AREA),
                       cv2.COLOR_GRAY2BGR)
    _draw_outline(vis, gt, size, GT_COLOR, GT_THICKNESS)
    _draw_outline(vis, mask, size, PRED_COLOR, PRED_THICKNESS)
    _draw_text(vis, text)
    return vis
