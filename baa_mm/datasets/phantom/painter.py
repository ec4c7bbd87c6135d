"""Anti-aliased drawing of canonical-frame polygons into images."""
from __future__ import annotations

from typing import List, Tuple

import cv2
import numpy as np

#: Fixed-point bits used for sub-pixel polygon vertices in OpenCV.
SHIFT = 4
#: Scale of the fixed-point vertices (``2 ** SHIFT``).
FP = float(1 << SHIFT)


class Painter:
    """Draws canonical-frame polygons into output canvases.

    Every vertex goes through one affine map, so images, masks and boxes
    drawn with the same painter agree exactly.

    Args:
        matrix (np.ndarray): Affine map canonical -> image, shape (2, 3).
        size (tuple[int, int]): Output ``(width, height)``.
    """

    def __init__(self, matrix: np.ndarray, size: Tuple[int, int]) -> None:
        self.m = matrix
        self.width, self.height = size

    def to_image(self, pts: np.ndarray) -> np.ndarray:
        """Map canonical points (N, 2) to image coordinates (N, 2)."""
        return pts @ self.m[:, :2].T + self.m[:, 2]

    def fill(self, canvas: np.ndarray, pts: np.ndarray, value: float,
             convex: bool = True) -> None:
        """Fill a polygon (N, 2) into a uint8 canvas (H, W), anti-aliased.

        Args:
            canvas (np.ndarray): Target, uint8 (H, W).
            pts (np.ndarray): Canonical polygon, shape (N, 2).
            value (float): Intensity, rounded and clipped to [0, 255].
            convex (bool): The polygon is convex (faster fill).
        """
        ip = np.round(self.to_image(pts) * FP).astype(np.int32)
        v = int(round(min(max(value, 0.0), 255.0)))
        if convex:
            cv2.fillConvexPoly(canvas, ip, v, cv2.LINE_AA, SHIFT)
        else:
            cv2.fillPoly(canvas, [ip], v, cv2.LINE_AA, SHIFT)

    def bbox(self, pts: np.ndarray) -> Tuple[List[float], bool]:
        """Clipped axis-aligned image box of canonical points (N, 2).

        Returns:
            tuple[list[float], bool]: ``[x1, y1, x2, y2]`` (COCO / mmdet
            convention: pixel ``x`` covers ``[x, x + 1)``) clipped to the
            image, and whether the box centre lies in the image.
        """
        # +0.5: OpenCV draws pixel centres at integers, boxes use the
        # COCO / mmdet convention (pixel x covers [x, x + 1)).
        p = self.to_image(pts) + 0.5
        x1, y1 = p.min(axis=0)
        x2, y2 = p.max(axis=0)
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        w, h = self.width, self.height
        visible = bool(0 <= cx < w and 0 <= cy < h)
        box = np.clip([x1, y1, x2, y2], 0, [w, h, w, h])
        return [round(float(v), 2) for v in box], visible
