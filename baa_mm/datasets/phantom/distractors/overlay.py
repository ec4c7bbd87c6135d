"""Patches and the premultiplied-alpha layer they are composited into.

A patch is ``(alpha, premult)``: coverage in [0, 1] and the premultiplied
intensity ``alpha * value``, both float32 of shape (h, w).
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

Patch = Tuple[np.ndarray, np.ndarray]  # (alpha, premultiplied value)


class Overlay:
    """Premultiplied-alpha layer of the image size, composited "over".

    Args:
        height (int): Image height.
        width (int): Image width.
    """

    def __init__(self, height: int, width: int) -> None:
        self.shape = (height, width)
        self.alpha = self.premult = None  # allocated on first use
        self.used = False

    def _use(self) -> None:
        if not self.used:
            self.alpha = np.zeros(self.shape, np.float32)
            self.premult = np.zeros(self.shape, np.float32)
            self.used = True

    def paste(self, x0: int, y0: int, patch: Patch) -> None:
        """Composite a patch with its top-left pixel at ``(x0, y0)``."""
        self._use()
        alpha, premult = patch
        h, w = alpha.shape
        a = self.alpha[y0:y0 + h, x0:x0 + w]
        p = self.premult[y0:y0 + h, x0:x0 + w]
        inv = 1.0 - alpha
        p *= inv
        p += premult
        a *= inv
        a += alpha

    def fill_rect(self, x0: int, y0: int, x1: int, y1: int,
                  value: float) -> None:
        """Opaque axis-aligned rectangle ``[x0, x1) x [y0, y1)``."""
        self._use()
        self.alpha[y0:y1, x0:x1] = 1.0
        self.premult[y0:y1, x0:x1] = value

    def apply(self, img: np.ndarray) -> None:
        """``img = img * (1 - alpha) + premult`` in place (float32 (H, W))."""
        if not self.used:
            return
        img *= 1.0 - self.alpha
        img += self.premult

    def covered(self) -> np.ndarray:
        """Pixels touched by any patch (``alpha > 0``), bool (H, W)."""
        if not self.used:
            return np.zeros(self.shape, bool)
        return self.alpha > 0


def crop_patch(patch: Patch) -> Patch:
    """Crop a patch to its non-zero coverage."""
    alpha, premult = patch
    ys, xs = np.nonzero(alpha > 0)
    if len(xs) == 0:
        return patch
    sl = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    return np.ascontiguousarray(alpha[sl]), np.ascontiguousarray(premult[sl])


def layered_patch(top: np.ndarray, top_value: float, body: np.ndarray,
                  body_value: float) -> Patch:
    """Bright (or dark) strokes ``top`` over a translucent ``body``.

    Args:
        top (np.ndarray): Stroke coverage in [0, 1], float32 (h, w).
        top_value (float): Stroke intensity.
        body (np.ndarray | float): Body coverage in [0, 1] (float32 (h, w)
            or a scalar).
        body_value (float): Body intensity.
    """
    alpha = top + body * (1.0 - top)
    premult = top * np.float32(top_value) + body * (1.0 - top) * np.float32(
        body_value)
    return alpha, premult
