"""Candidate positions of distractors and the search for a free one.

Boxes are ``(x0, y0, w, h)`` in pixels; maps are bool (H, W), True where a
distractor must not go.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np

Box = Tuple[int, int, int, int]


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


def edge_strip_candidates(rng: np.random.Generator, n: int, strip_width: int,
                          width: int, height: int, size: float) -> List[Box]:
    """``n`` strips along a random edge (rulers), later ones shorter.

    Args:
        rng (np.random.Generator): Random stream (always ``4 n`` draws).
        n (int): Number of candidates.
        strip_width (int): Width of the strip (across the edge).
        width, height (int): Image size.
        size (float): Reference length (shorter image side) for the inset.

    Returns:
        list[tuple]: Boxes ``(x0, y0, w, h)``.
    """
    u = rng.random((n, 4))
    rw = strip_width
    cands = []
    for i, (a, b, c, d) in enumerate(u):
        edge = int(a * 4) % 4
        vertical = edge >= 2
        edge_len = height if vertical else width
        frac = (0.25 + 0.45 * b) * (1.0 - 0.04 * i)  # shorter later
        length = int(round(frac * edge_len))
        length = max(4, min(length, edge_len))
        pos = int(round(c * (edge_len - length)))
        inset = int(round((0.005 + 0.035 * d) * size))
        if edge == 0:
            box = (pos, inset, length, rw)
        elif edge == 1:
            box = (pos, height - inset - rw, length, rw)
        elif edge == 2:
            box = (inset, pos, rw, length)
        else:
            box = (width - inset - rw, pos, rw, length)
        cands.append(box)
    return cands


def first_free(candidates: Sequence[Box], maps: Sequence[np.ndarray],
               margin: int) -> Optional[Box]:
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
