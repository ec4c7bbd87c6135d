"""Distractor patches: lead markers, text tags and rulers.

Each function draws its random numbers from ``rng`` and returns
``((alpha, premult), info)``: a :data:`~.overlay.Patch` of shape (h, w) and
the extra keys of the distractor's record.
"""
from __future__ import annotations

import math
from typing import Tuple

import cv2
import numpy as np

from ..painter import FP, SHIFT
from .overlay import Patch, crop_patch, layered_patch
from .text import FONTS, draw_text, random_tag_text, text_scale


def _marker_layers(letter: str, font: int, side: int, rim: bool,
                   mirror: bool) -> Tuple[np.ndarray, np.ndarray]:
    """Upright body square and letter, uint8 (n, n), padded so that a
    rotation does not crop them."""
    pad = int(math.ceil(side * 0.25)) + 1
    n = side + 2 * pad
    body = np.zeros((n, n), np.uint8)
    body[pad:pad + side, pad:pad + side] = 255
    text = np.zeros((n, n), np.uint8)
    # thick strokes: the letter must stay very bright after blurring
    thick = max(2 if side >= 8 else 1, int(round(side * 0.15)))
    scale = text_scale(letter, font, side * 0.62, thick)
    (tw, th), _ = cv2.getTextSize(letter, font, scale, thick)
    org = (pad + (side - tw) // 2, pad + (side + th) // 2)
    draw_text(text, letter, org, font, scale, thick)
    if mirror:
        text = text[:, ::-1].copy()
    if rim:
        r = max(1, int(round(side * 0.06)))
        cv2.rectangle(text, (pad, pad), (pad + side - 1, pad + side - 1),
                      255, r)
    return body, text


def marker_patch(rng: np.random.Generator, side: int) -> Tuple[Patch, dict]:
    """Lead side marker: a very bright ``L`` / ``R`` in a small square.

    The square (radiolucent plastic) is moderately bright and partly
    transparent, sometimes with a bright rim; the lead letter is very
    bright. The marker is rotated (+-30 deg) and sometimes mirrored (seen
    from behind).

    Args:
        rng (np.random.Generator): Random stream.
        side (int): Side length of the square in pixels (>= 3).

    Returns:
        tuple: ``((alpha, premult), info)`` with ``info`` holding ``text``.
    """
    letter = 'L' if rng.random() < 0.6 else 'R'
    font = FONTS[int(rng.integers(0, 2))]
    body_alpha = rng.uniform(0.55, 1.0)
    body_value = rng.uniform(110.0, 200.0)
    letter_value = rng.uniform(240.0, 255.0)
    rim = rng.random() < 0.5
    angle = rng.uniform(-30.0, 30.0)
    mirror = rng.random() < 0.2
    body, text = _marker_layers(letter, font, max(3, int(side)), rim, mirror)
    n = body.shape[0]
    rot = cv2.getRotationMatrix2D(((n - 1) / 2, (n - 1) / 2), angle, 1.0)
    body = cv2.warpAffine(body, rot, (n, n), flags=cv2.INTER_LINEAR)
    text = cv2.warpAffine(text, rot, (n, n), flags=cv2.INTER_LINEAR)
    b = body.astype(np.float32) * np.float32(body_alpha / 255.0)
    t = text.astype(np.float32) * np.float32(1.0 / 255.0)
    patch = layered_patch(t, letter_value, b, body_value)
    return crop_patch(patch), dict(text=letter)


def tag_patch(rng: np.random.Generator,
              char_height: float) -> Tuple[Patch, dict]:
    """Burned-in text tag: bright text, or text on a label rectangle.

    Styles: ``'text'`` (bright characters only), ``'label_bright'`` (bright
    rectangle, dark text) and ``'label_dark'`` (dark rectangle, bright text).
    One or two lines.

    Args:
        rng (np.random.Generator): Random stream.
        char_height (float): Height of a capital letter in pixels.

    Returns:
        tuple: ``((alpha, premult), info)`` with ``text`` and ``style``.
    """
    style = ('text', 'label_bright', 'label_dark')[int(rng.integers(0, 3))]
    lines = [random_tag_text(rng)]
    if rng.random() < 0.4:
        lines.append(random_tag_text(rng))
    font = FONTS[int(rng.integers(0, len(FONTS)))]
    text_value = rng.uniform(225.0, 255.0)
    rect_value = (rng.uniform(195.0, 245.0) if style == 'label_bright' else
                  rng.uniform(0.0, 25.0))
    dark_text = rng.uniform(0.0, 45.0)
    ch = max(3.0, float(char_height))
    thick = max(1, int(round(ch / 9.0)))
    scale = text_scale('H', font, ch, thick)
    sizes = [cv2.getTextSize(s, font, scale, thick) for s in lines]
    line_h = int(math.ceil(ch * 1.5))
    pad = max(1, int(round(ch * 0.35)))
    w = max(s[0][0] for s in sizes) + 2 * pad + thick
    h = line_h * len(lines) + 2 * pad
    text = np.zeros((h, w), np.uint8)
    for i, s in enumerate(lines):
        base = pad + int(round(ch)) + i * line_h
        draw_text(text, s, (pad, base), font, scale, thick)
    t = text.astype(np.float32) * np.float32(1.0 / 255.0)
    if style == 'text':
        patch = (t, t * np.float32(text_value))
    else:
        tv = dark_text if style == 'label_bright' else text_value
        alpha = np.ones_like(t)
        patch = (alpha, np.float32(rect_value) * (1.0 - t) +
                 np.float32(tv) * t)
    return crop_patch(patch), dict(text=' / '.join(lines), style=style)


def _draw_ticks(ticks: np.ndarray, spacing: float) -> None:
    """Ticks every ``spacing`` pixels (long every 5th and 10th, numbered
    every 10th when wide enough) along x of a uint8 canvas (width, length).
    """
    width, length = ticks.shape
    t_half = max(0.5, 0.14 * spacing)
    x, i = spacing * 0.5, 0
    while x < length - 0.5:
        frac = 0.75 if i % 10 == 0 else (0.55 if i % 5 == 0 else 0.32)
        y1 = frac * width
        pts = np.array([[x - t_half, -0.5], [x + t_half, -0.5],
                        [x + t_half, y1], [x - t_half, y1]])
        cv2.fillConvexPoly(ticks, np.round(pts * FP).astype(np.int32), 255,
                           cv2.LINE_AA, SHIFT)
        if i % 10 == 0 and i > 0 and width >= 14:
            ch = 0.22 * width
            thick = max(1, int(round(ch / 8.0)))
            font = cv2.FONT_HERSHEY_SIMPLEX
            scale = text_scale('0', font, ch, thick)
            num = str(i // 10)
            (tw, _), _ = cv2.getTextSize(num, font, scale, thick)
            org = (int(round(x + t_half + 1)), int(round(0.88 * width)))
            if org[0] + tw < length:
                draw_text(ticks, num, org, font, scale, thick)
        x += spacing
        i += 1


def ruler_patch(rng: np.random.Generator, length: int, width: int,
                spacing: float, vertical: bool) -> Tuple[Patch, dict]:
    """Graduated ruler: a bright bar with short / long ticks and numbers.

    Args:
        rng (np.random.Generator): Random stream.
        length (int): Length in pixels.
        width (int): Width in pixels.
        spacing (float): Distance between ticks in pixels.
        vertical (bool): Along the y axis (else along x).

    Returns:
        tuple: ``((alpha, premult), info)``.
    """
    body_alpha = rng.uniform(0.55, 0.95)
    body_value = rng.uniform(150.0, 215.0)
    bright_ticks = rng.random() < 0.6
    tick_value = (rng.uniform(238.0, 255.0) if bright_ticks else
                  rng.uniform(10.0, 60.0))
    flip = rng.random() < 0.5
    length, width = max(4, int(length)), max(3, int(width))
    ticks = np.zeros((width, length), np.uint8)
    _draw_ticks(ticks, max(1.5, float(spacing)))
    if flip:
        ticks = ticks[::-1].copy()
    t = ticks.astype(np.float32) * np.float32(1.0 / 255.0)
    alpha, premult = layered_patch(t, tick_value, np.float32(body_alpha),
                                   body_value)
    if vertical:
        alpha, premult = alpha.T.copy(), premult.T.copy()
    return (alpha, premult), dict(ticks='bright' if bright_ticks else 'dark')
