"""Polygons of the phantom's shapes (float64 arrays of shape (N, 2)).

Coordinates are ``(x, y)`` with y pointing down; angles are in degrees.
"""
from __future__ import annotations

import math
from typing import Sequence, Tuple

import numpy as np


def unit(angle_deg: float) -> np.ndarray:
    """Unit vector ``angle_deg`` from "up" (+ = towards +x), shape (2,)."""
    a = math.radians(angle_deg)
    return np.array([math.sin(a), -math.cos(a)])


def perp(u: np.ndarray) -> np.ndarray:
    """``u`` rotated by 90 degrees, shape (2,)."""
    return np.array([-u[1], u[0]])


def arc(center: np.ndarray, radius: float, a0: float, a1: float,
        n: int) -> np.ndarray:
    """``n`` points of a circular arc from angle ``a0`` to ``a1`` (radians),
    shape (n, 2)."""
    a = np.linspace(a0, a1, n)
    return center + radius * np.stack([np.cos(a), np.sin(a)], axis=1)


def ellipse_pts(center: Sequence[float], a: float, b: float,
                angle_deg: float, n: int = 24) -> np.ndarray:
    """Polygon of an ellipse with semi-axes ``a`` (along ``angle_deg`` from
    +x towards +y) and ``b``, shape (n, 2)."""
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    x, y = a * np.cos(t), b * np.sin(t)
    return np.stack([c * x - s * y, s * x + c * y], axis=1) + np.asarray(
        center, dtype=np.float64)


def capsule_pts(p0: np.ndarray, p1: np.ndarray, r: float,
                n_arc: int = 9) -> np.ndarray:
    """Polygon of a capsule (segment ``p0``-``p1`` dilated by ``r``),
    shape (2 * n_arc, 2)."""
    d = p1 - p0
    ang = math.atan2(d[1], d[0])
    return np.concatenate([
        arc(p1, r, ang - math.pi / 2, ang + math.pi / 2, n_arc),
        arc(p0, r, ang + math.pi / 2, ang + 3 * math.pi / 2, n_arc)
    ])


def shaft_pts(p_flat: np.ndarray, p_head: np.ndarray, w: float,
              round_head: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """Outer and medulla polygons of a long-bone shaft.

    The shaft has a flat (metaphyseal) end at ``p_flat``, a waist, and a
    rounded (or flat) head ending at ``p_head``.

    Args:
        p_flat (np.ndarray): Flat end, shape (2,).
        p_head (np.ndarray): Head end, shape (2,).
        w (float): Shaft width.
        round_head (bool): Round the head. Defaults to True.

    Returns:
        tuple[np.ndarray, np.ndarray]: Outer polygon (N, 2) and medulla
        polygon (6, 2).
    """
    d = p_head - p_flat
    length = float(np.linalg.norm(d))
    u = d / max(length, 1e-6)
    n = perp(u)
    # (position along the shaft in [0, 1], half width in shaft widths)
    profile = ((0.0, 0.50), (0.22, 0.42), (0.5, 0.38), (0.78, 0.42))
    hr = 0.45 * w
    head_c = p_head - u * hr
    left = [p_flat + u * (t * length) + n * (hw * w) for t, hw in profile]
    right = [p_flat + u * (t * length) - n * (hw * w) for t, hw in profile]
    ang = math.atan2(u[1], u[0])
    if round_head:
        head = arc(head_c, hr, ang + math.pi / 2, ang - math.pi / 2, 9)
    else:
        head = np.stack([p_head + n * hr, p_head - n * hr])
    outer = np.concatenate([np.array(left), head, np.array(right[::-1])])
    med_w = 0.5
    inner = np.concatenate([
        np.array([p_flat + u * (0.12 * length) + n * (0.2 * w * med_w * 2),
                  p_flat + u * (0.5 * length) + n * (0.17 * w * med_w * 2),
                  p_flat + u * (0.85 * length) + n * (0.2 * w * med_w * 2)]),
        np.array([p_flat + u * (0.85 * length) - n * (0.2 * w * med_w * 2),
                  p_flat + u * (0.5 * length) - n * (0.17 * w * med_w * 2),
                  p_flat + u * (0.12 * length) - n * (0.2 * w * med_w * 2)])
    ])
    return outer, inner


def affine(lin: np.ndarray, pivot: np.ndarray,
           target: np.ndarray) -> np.ndarray:
    """Affine map ``x -> lin @ (x - pivot) + target``, shape (2, 3).

    Args:
        lin (np.ndarray): Linear part, shape (2, 2).
        pivot (np.ndarray): Point mapped to ``target``, shape (2,).
        target (np.ndarray): Image of ``pivot``, shape (2,).
    """
    return np.concatenate([lin, (target - lin @ pivot)[:, None]], axis=1)
