"""Text of burned-in tags and markers (OpenCV Hershey fonts)."""
from __future__ import annotations

from typing import Tuple

import cv2
import numpy as np

FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX,
         cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_COMPLEX_SMALL)
_LETTERS = 'ABCDEFGHIJKLMNOPRSTUVWXYZ'


def text_scale(text: str, font: int, height: float, thickness: int) -> float:
    """Font scale at which ``text`` is ``height`` pixels high."""
    (_, h), _ = cv2.getTextSize(text, font, 1.0, thickness)
    return height / max(h, 1)


def draw_text(canvas: np.ndarray, text: str, org: Tuple[int, int], font: int,
              scale: float, thickness: int) -> None:
    """White (255), anti-aliased text on a uint8 canvas (h, w)."""
    cv2.putText(canvas, text, org, font, scale, 255, thickness, cv2.LINE_AA)


def random_tag_text(rng: np.random.Generator) -> str:
    """A burned-in annotation: id, date, name, view or site code."""
    kind = int(rng.integers(0, 6))
    digits = rng.integers(0, 10, 8)
    letters = ''.join(_LETTERS[i] for i in rng.integers(0, len(_LETTERS), 6))
    if kind == 0:
        return 'ID ' + ''.join(str(d) for d in digits[:int(rng.integers(4,
                                                                        7))])
    if kind == 1:
        y, mo, d = (int(rng.integers(1995, 2024)), int(rng.integers(1, 13)),
                    int(rng.integers(1, 29)))
        return (f'{y}-{mo:02d}-{d:02d}' if rng.random() < 0.5 else
                f'{d:02d}/{mo:02d}/{y}')
    if kind == 2:
        return letters[:int(rng.integers(3, 7))] + ' ' + letters[-1]
    if kind == 3:
        return ('PA', 'L HAND', 'HAND PA', 'LEFT', 'BONE AGE',
                'WRIST')[int(rng.integers(0, 6))]
    if kind == 4:
        return letters[:2] + ''.join(str(d) for d in digits[:5])
    return f'{int(rng.integers(40, 66))} kV'
