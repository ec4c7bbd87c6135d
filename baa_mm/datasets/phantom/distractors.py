# Copyright (c) baa_mm contributors. All rights reserved.
"""Distractors of phantom style ``'v2'`` (numpy / OpenCV only).

Real hand radiographs carry objects that a whole-image regressor can latch
onto: lead side markers ("L" / "R" in a small plastic square), burned-in
text (patient name, date, id, often on a label rectangle), rulers,
collimation (the exposure field is a possibly rotated rectangle with a sharp
edge and a darker or brighter outside region) and bright frames. This module
draws them as small *patches* (coverage ``alpha`` in [0, 1] and the
premultiplied intensity ``alpha * value``, both float32) that the generator
places next to, never on, the hands and their informative boxes.

Coordinates: arrays are indexed ``[y, x]``; boxes use the COCO / mmdet
convention (pixel ``x`` covers ``[x, x + 1)``), ``[x1, y1, x2, y2]``.

Like ``generator.py`` the module has no package-relative imports so that it
can be loaded by file path (tools must not import torch).
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

#: Fixed-point bits used for sub-pixel polygon vertices (as in generator).
_SHIFT = 4
_FP = float(1 << _SHIFT)

_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX,
          cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_COMPLEX_SMALL)
_LETTERS = 'ABCDEFGHIJKLMNOPRSTUVWXYZ'

Patch = Tuple[np.ndarray, np.ndarray]  # (alpha, premultiplied value)


# --------------------------------------------------------------------------
# Compositing.
# --------------------------------------------------------------------------


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
        """``img = img * (1 - alpha) + premult`` in place (float32)."""
        if not self.used:
            return
        img *= 1.0 - self.alpha
        img += self.premult

    def covered(self) -> np.ndarray:
        """Pixels touched by any patch (``alpha > 0``), bool."""
        if not self.used:
            return np.zeros(self.shape, bool)
        return self.alpha > 0


# --------------------------------------------------------------------------
# Text helpers.
# --------------------------------------------------------------------------


def _text_scale(text: str, font: int, height: float,
                thickness: int) -> float:
    (_, h), _ = cv2.getTextSize(text, font, 1.0, thickness)
    return height / max(h, 1)


def _draw_text(canvas: np.ndarray, text: str, org: Tuple[int, int],
               font: int, scale: float, thickness: int) -> None:
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


# --------------------------------------------------------------------------
# Patches.
# --------------------------------------------------------------------------


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
    font = _FONTS[int(rng.integers(0, 2))]
    body_alpha = rng.uniform(0.55, 1.0)
    body_value = rng.uniform(110.0, 200.0)
    letter_value = rng.uniform(240.0, 255.0)
    rim = rng.random() < 0.5
    angle = rng.uniform(-30.0, 30.0)
    mirror = rng.random() < 0.2
    side = max(3, int(side))
    # upright patch, padded so that the rotation does not crop it
    pad = int(math.ceil(side * 0.25)) + 1
    n = side + 2 * pad
    body = np.zeros((n, n), np.uint8)
    body[pad:pad + side, pad:pad + side] = 255
    text = np.zeros((n, n), np.uint8)
    # thick strokes: the letter must stay very bright after blurring
    thick = max(2 if side >= 8 else 1, int(round(side * 0.15)))
    scale = _text_scale(letter, font, side * 0.62, thick)
    (tw, th), _ = cv2.getTextSize(letter, font, scale, thick)
    org = (pad + (side - tw) // 2, pad + (side + th) // 2)
    _draw_text(text, letter, org, font, scale, thick)
    if mirror:
        text = text[:, ::-1].copy()
    if rim:
        r = max(1, int(round(side * 0.06)))
        cv2.rectangle(text, (pad, pad), (pad + side - 1, pad + side - 1),
                      255, r)
    rot = cv2.getRotationMatrix2D(((n - 1) / 2, (n - 1) / 2), angle, 1.0)
    body = cv2.warpAffine(body, rot, (n, n), flags=cv2.INTER_LINEAR)
    text = cv2.warpAffine(text, rot, (n, n), flags=cv2.INTER_LINEAR)
    b = body.astype(np.float32) * np.float32(body_alpha / 255.0)
    t = text.astype(np.float32) * np.float32(1.0 / 255.0)
    alpha = t + b * (1.0 - t)
    premult = t * np.float32(letter_value) + b * (1.0 - t) * np.float32(
        body_value)
    return _crop((alpha, premult)), dict(text=letter)


def tag_patch(rng: np.random.Generator, char_height: float
              ) -> Tuple[Patch, dict]:
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
    font = _FONTS[int(rng.integers(0, len(_FONTS)))]
    text_value = rng.uniform(225.0, 255.0)
    rect_value = (rng.uniform(195.0, 245.0) if style == 'label_bright' else
                  rng.uniform(0.0, 25.0))
    dark_text = rng.uniform(0.0, 45.0)
    ch = max(3.0, float(char_height))
    thick = max(1, int(round(ch / 9.0)))
    scale = _text_scale('H', font, ch, thick)
    sizes = [cv2.getTextSize(s, font, scale, thick) for s in lines]
    line_h = int(math.ceil(ch * 1.5))
    pad = max(1, int(round(ch * 0.35)))
    w = max(s[0][0] for s in sizes) + 2 * pad + thick
    h = line_h * len(lines) + 2 * pad
    text = np.zeros((h, w), np.uint8)
    for i, s in enumerate(lines):
        base = pad + int(round(ch)) + i * line_h
        _draw_text(text, s, (pad, base), font, scale, thick)
    t = text.astype(np.float32) * np.float32(1.0 / 255.0)
    if style == 'text':
        patch = (t, t * np.float32(text_value))
    else:
        tv = dark_text if style == 'label_bright' else text_value
        alpha = np.ones_like(t)
        patch = (alpha, np.float32(rect_value) * (1.0 - t) +
                 np.float32(tv) * t)
    return _crop(patch), dict(text=' / '.join(lines), style=style)


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
    spacing = max(1.5, float(spacing))
    ticks = np.zeros((width, length), np.uint8)
    t_half = max(0.5, 0.14 * spacing)
    x, i = spacing * 0.5, 0
    while x < length - 0.5:
        frac = 0.75 if i % 10 == 0 else (0.55 if i % 5 == 0 else 0.32)
        y1 = frac * width
        pts = np.array([[x - t_half, -0.5], [x + t_half, -0.5],
                        [x + t_half, y1], [x - t_half, y1]])
        cv2.fillConvexPoly(ticks, np.round(pts * _FP).astype(np.int32), 255,
                           cv2.LINE_AA, _SHIFT)
        if i % 10 == 0 and i > 0 and width >= 14:
            ch = 0.22 * width
            thick = max(1, int(round(ch / 8.0)))
            font = cv2.FONT_HERSHEY_SIMPLEX
            scale = _text_scale('0', font, ch, thick)
            num = str(i // 10)
            (tw, _), _ = cv2.getTextSize(num, font, scale, thick)
            org = (int(round(x + t_half + 1)), int(round(0.88 * width)))
            if org[0] + tw < length:
                _draw_text(ticks, num, org, font, scale, thick)
        x += spacing
        i += 1
    if flip:
        ticks = ticks[::-1].copy()
    t = ticks.astype(np.float32) * np.float32(1.0 / 255.0)
    b = np.float32(body_alpha)
    alpha = t + b * (1.0 - t)
    premult = t * np.float32(tick_value) + b * (1.0 - t) * np.float32(
        body_value)
    if vertical:
        alpha, premult = alpha.T.copy(), premult.T.copy()
    return (alpha, premult), dict(ticks='bright' if bright_ticks else 'dark')


def _crop(patch: Patch) -> Patch:
    """Crop a patch to its non-zero coverage."""
    alpha, premult = patch
    ys, xs = np.nonzero(alpha > 0)
    if len(xs) == 0:
        return patch
    sl = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    return np.ascontiguousarray(alpha[sl]), np.ascontiguousarray(premult[sl])


# --------------------------------------------------------------------------
# Placement.
# --------------------------------------------------------------------------


def edge_anchor_candidates(rng: np.random.Generator, n: int, pw: int, ph: int,
                           width: int, height: int, size: float,
                           inset: Tuple[float, float] = (0.01, 0.06),
                           corner_prob: float = 0.5) -> List[Tuple[int, int]]:
    """Top-left corners of ``n`` candidate positions near corners / edges.

    Args:
        rng (np.random.Generator): Random stream (always ``4 n`` draws).
        n (int): Number of candidates.
        pw, ph (int): Patch width and height.
        width, height (int): Image size.
        size (float): Reference length (shorter image side) for ``inset``.
        inset (tuple): Range of the distance from the edge, as fractions of
            ``size``.
        corner_prob (float): Probability of a corner (else any position
            along a random edge).
    """
    u = rng.random((n, 4))
    out = []
    span_x, span_y = max(width - pw, 0), max(height - ph, 0)
    for a, b, c, d in u:
        ins = (inset[0] + (inset[1] - inset[0]) * c) * size
        ins2 = (inset[0] + (inset[1] - inset[0]) * d) * size
        if a < corner_prob:
            corner = int(a / corner_prob * 4) % 4
            x = ins if corner in (0, 3) else span_x - ins
            y = ins2 if corner in (0, 1) else span_y - ins2
        else:
            edge = int((a - corner_prob) / (1 - corner_prob) * 4) % 4
            if edge == 0:
                x, y = b * span_x, ins
            elif edge == 1:
                x, y = b * span_x, span_y - ins
            elif edge == 2:
                x, y = ins, b * span_y
            else:
                x, y = span_x - ins, b * span_y
        out.append((int(np.clip(round(x), 0, span_x)),
                    int(np.clip(round(y), 0, span_y))))
    return out


def first_free(candidates: Sequence[Tuple[int, int, int, int]],
               maps: Sequence[np.ndarray],
               margin: int) -> Optional[Tuple[int, int, int, int]]:
    """First candidate box ``(x0, y0, w, h)`` whose region, grown by
    ``margin`` pixels, holds no True pixel of a map; the maps are tried in
    order (strictest first), each against all candidates."""
    for m in maps:
        height, width = m.shape
        for x0, y0, w, h in candidates:
            if x0 < 0 or y0 < 0 or x0 + w > width or y0 + h > height:
                continue
            if not m[max(0, y0 - margin):y0 + h + margin,
                     max(0, x0 - margin):x0 + w + margin].any():
                return x0, y0, w, h
    return None


# --------------------------------------------------------------------------
# Collimation and frame.
# --------------------------------------------------------------------------


def _clip_halfplane(poly: np.ndarray, normal: np.ndarray,
                    offset: float) -> np.ndarray:
    """Part of a convex polygon with ``normal . p >= offset``
    (Sutherland-Hodgman against one plane)."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        dp, dq = normal @ p - offset, normal @ q - offset
        if dp >= 0:
            out.append(p)
        if (dp >= 0) != (dq >= 0):
            out.append(p + (q - p) * (dp / (dp - dq)))
    return np.array(out).reshape(-1, 2)


def collimation_field(rng: np.random.Generator, width: int, height: int,
                      keep_boxes: Sequence[Sequence[float]],
                      margin: float) -> Optional[dict]:
    """Exposure field: a (possibly rotated) rectangle around ``keep_boxes``.

    Each of the four sides is "shuttered" (visible edge, close to the kept
    region) with probability 0.5, else far outside the image; at least one
    side is shuttered. The outside is opaque: dark (digital shutter) or
    bright (unexposed film).

    Args:
        rng (np.random.Generator): Random stream.
        width, height (int): Image size.
        keep_boxes: Boxes ``[x1, y1, x2, y2]`` that must lie inside the field
            (at least ``margin`` pixels from its edge).
        margin (float): Minimal distance in pixels.

    Returns:
        dict or None: ``coverage`` (uint8 (H, W), 255 inside, anti-aliased
        edge), ``polygon`` (4 x 2 corners, COCO convention), ``outside``
        (``'dark'`` / ``'bright'``), ``value`` (outside intensity) and
        ``boxes`` (bbox of the part of the image beyond each visible edge);
        None when no edge crosses the image.
    """
    size = float(min(width, height))
    rotated = rng.random() < 0.6
    angle = rng.uniform(-12.0, 12.0) if rotated else 0.0
    shutter = rng.random(4) < 0.5
    shutter[int(rng.integers(0, 4))] = True
    gaps = rng.uniform(0.01, 0.12, 4) * size + margin
    dark = rng.random() < 0.5
    value = rng.uniform(0.0, 22.0) if dark else rng.uniform(185.0, 240.0)

    pts = np.array([[b[0], b[1]] for b in keep_boxes] +
                   [[b[2], b[1]] for b in keep_boxes] +
                   [[b[0], b[3]] for b in keep_boxes] +
                   [[b[2], b[3]] for b in keep_boxes], np.float64)
    ctr = np.array([width / 2.0, height / 2.0])
    a = math.radians(angle)
    ux = np.array([math.cos(a), math.sin(a)])  # field x axis
    uy = np.array([-math.sin(a), math.cos(a)])  # field y axis
    q = pts - ctr
    qx, qy = q @ ux, q @ uy
    far = 4.0 * (width + height)
    lo_x = qx.min() - gaps[0] if shutter[0] else -far
    hi_x = qx.max() + gaps[1] if shutter[1] else far
    lo_y = qy.min() - gaps[2] if shutter[2] else -far
    hi_y = qy.max() + gaps[3] if shutter[3] else far
    corners = np.array([ctr + ux * x + uy * y for x, y in
                        ((lo_x, lo_y), (hi_x, lo_y), (hi_x, hi_y),
                         (lo_x, hi_y))])
    cov = np.zeros((height, width), np.uint8)
    # COCO -> OpenCV pixel-centre coordinates: - 0.5
    cv2.fillConvexPoly(cov, np.round((corners - 0.5) * _FP).astype(np.int32),
                       255, cv2.LINE_AA, _SHIFT)
    if cov.min() >= 128:
        return None
    image = np.array([[0, 0], [width, 0], [width, height], [0, height]],
                     np.float64)
    boxes = []
    for i, (normal, off) in enumerate(((-ux, -lo_x), (ux, hi_x),
                                       (-uy, -lo_y), (uy, hi_y))):
        if not shutter[i]:
            continue
        part = _clip_halfplane(image, normal, off + normal @ ctr)
        if len(part) < 3:
            continue
        x1, y1 = part.min(axis=0)
        x2, y2 = part.max(axis=0)
        if (x2 - x1) * (y2 - y1) < 1.0:
            continue
        boxes.append([round(float(v), 2) for v in (x1, y1, x2, y2)])
    return dict(coverage=cov, polygon=corners, outside='dark' if dark else
                'bright', value=float(value), angle=float(angle), boxes=boxes)
