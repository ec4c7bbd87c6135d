"""Long bones: shaft (cortex + medulla), epiphyses and growth plates."""
from __future__ import annotations

import math
from typing import NamedTuple, Optional, Tuple

import numpy as np

from .canvas import Canvas
from .tones import Tones

__all__ = ['BoneEnd', 'draw_long_bone', 'physis_gap', 'carve_physis',
           'physis_carving', 'MAX_PHYSIS_CM', 'MIN_PHYSIS_PX']

#: Growth-plate gap (cm) of a fully open plate; never thinner than
#: :data:`MIN_PHYSIS_PX` image pixels, so that it survives small images.
MAX_PHYSIS_CM = 0.4
MIN_PHYSIS_PX = 1.6
#: Shaft half width (in shaft widths) along the bone: flared metaphyses.
_PROFILE = ((0.0, 0.68), (0.12, 0.56), (0.3, 0.5), (0.7, 0.5), (0.88, 0.56),
            (1.0, 0.68))


class BoneEnd(NamedTuple):
    """An end of a long bone with an epiphysis."""
    kind: str  #: 'round' (a head) or 'flat' (condyles, plateau)
    openness: float  #: growth-plate openness (0: fused)
    scale: float  #: epiphysis size (:func:`~.aging.epiphysis_scale`)
    site: Optional[str]  #: growth_plate box site (None: no box)


def physis_gap(cv: Canvas, openness: float) -> float:
    """Gap (cm) of a growth plate of the given openness."""
    return openness * max(MAX_PHYSIS_CM, cv.px(MIN_PHYSIS_PX))


def _epiphysis(joint: np.ndarray, d: np.ndarray, n: np.ndarray, width: float,
               end: BoneEnd):
    """Polygon of an epiphysis at ``joint`` (``d`` points into the bone)
    and its height along ``d``."""
    s = end.scale
    if end.kind == 'round':
        r = 0.62 * width * (0.6 + 0.4 * s)
        c = joint + d * r
        base = math.atan2(n[1], n[0])
        a = np.linspace(base, base + math.pi, 11)
        # half disc on the joint side: from +n through -d to -n
        if np.dot(np.array([math.cos(base + math.pi / 2),
                            math.sin(base + math.pi / 2)]), d) > 0:
            a = np.linspace(base, base - math.pi, 11)
        return c + r * np.stack([np.cos(a), np.sin(a)], axis=1), r
    h = 0.38 * width * (0.5 + 0.5 * s)
    hw = 0.68 * width * (0.55 + 0.45 * s)
    poly = np.array([joint + d * h + n * hw, joint + d * (0.35 * h) + n * hw,
                     joint + n * (0.7 * hw), joint - n * (0.7 * hw),
                     joint + d * (0.35 * h) - n * hw, joint + d * h - n * hw])
    return poly, h


def physis_carving(cv: Canvas, openness: float,
                   bone: float) -> Tuple[float, float, float]:
    """``(gap, thickness, value)`` of the band that carves a growth plate of
    the given openness out of bone of intensity ``bone`` (see
    :func:`carve_physis`)."""
    gap = physis_gap(cv, openness)
    thick = max(gap - cv.px(0.8), cv.px(0.2))
    return gap, thick, bone * (1.0 - min(1.0, openness / 0.35))


def carve_physis(cv: Canvas, start: np.ndarray, d: np.ndarray,
                 half: np.ndarray, openness: float, bone: float) -> None:
    """Carve the cartilage of a growth plate out of the bone layer.

    The plate runs from ``start`` along ``d`` over :func:`physis_gap`, across
    ``+-half``. OpenCV's anti-aliased fills bleed ~1 px, so the band is
    drawn 0.8 px thinner, and nearly closed plates (openness < 0.35) are
    only partly dark: the darkness fades continuously to 0 at fusion.
    """
    gap, thick, value = physis_carving(cv, openness, bone)
    start = start + d * (0.5 * (gap - thick))
    end = start + d * thick
    cv.fill(np.array([start + half, end + half, end - half, start - half]),
            value, convex=True)


def _max_height(width: float, kind: str) -> float:
    return 0.62 * width if kind == 'round' else 0.38 * width


def draw_long_bone(cv: Canvas, p0: np.ndarray, p1: np.ndarray, width: float,
                   tones: Tones, end0: Optional[BoneEnd] = None,
                   end1: Optional[BoneEnd] = None, gain: float = 1.0) -> None:
    """Draw a long bone from joint surface ``p0`` to joint surface ``p1``.

    An end with a :class:`BoneEnd` gets an epiphysis separated from the
    metaphysis by the growth-plate gap (carved out, :func:`carve_physis`;
    a fused plate is bridged by trabecular bone); with
    a ``site`` its ``growth_plate`` box is recorded: the whole possible
    epiphysis, the widest gap and the metaphysis end, whatever the age.

    Args:
        cv (Canvas): Target.
        p0 (np.ndarray): Proximal joint surface (2,), cm.
        p1 (np.ndarray): Distal joint surface (2,), cm.
        width (float): Shaft width, cm.
        tones (Tones): Intensities.
        end0 (BoneEnd, optional): Epiphysis at ``p0``.
        end1 (BoneEnd, optional): Epiphysis at ``p1``.
        gain (float): Intensity factor (thin bones are dimmer).
    """
    p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
    d = p1 - p0
    length = float(np.linalg.norm(d))
    u = d / max(length, 1e-9)
    n = np.array([-u[1], u[0]])
    t0 = t1 = 0.0  # shaft starts / ends this far from the joints
    caps = []
    for joint, inward, end in ((p0, u, end0), (p1, -u, end1)):
        if end is None:
            continue
        poly, h = _epiphysis(joint, inward, n, width, end)
        gap = physis_gap(cv, end.openness)
        caps.append(((poly, h), joint, inward, end))
        if joint is p0:
            t0 = h + gap
        else:
            t1 = h + gap
        if end.site is not None:
            reach = _max_height(width, end.kind) + physis_gap(cv, 1.0) + (
                0.6 * width)
            hw = 0.8 * width
            cv.add_box('growth_plate', end.site, np.array([
                joint + n * hw, joint - n * hw, joint + inward * reach + n *
                hw, joint + inward * reach - n * hw]))
    a, b = p0 + u * t0, p1 - u * t1
    span = b - a
    _shaft(cv, a, span, n, width, _PROFILE, tones.cortical * gain)
    inner = 0.5 * (1.0 - 2.0 * tones.cortex_frac)
    _shaft(cv, a, span, n, width,
           ((0.0, 0.6) if end0 else (0.02, 0.6), (0.12, 0.45), (0.3, inner),
            (0.7, inner), (0.88, 0.45), (1.0, 0.6) if end1 else (0.98, 0.6)),
           tones.trabecular * gain)
    _shaft(cv, a, span, n, width, ((0.25, inner), (0.75, inner)),
           tones.marrow * gain)
    for (poly, h), joint, inward, end in caps:
        cv.fill(poly, tones.trabecular * gain * 1.1, convex=True)
        if end.openness > 0.0:
            carve_physis(cv, joint + inward * h, inward, n * (0.72 * width),
                         end.openness, tones.trabecular * gain)
        else:  # fused: trabecular bone bridges the plate
            hw = 0.55 * width * (0.55 + 0.45 * end.scale)
            p = joint + inward * (0.5 * h)
            q = joint + inward * (h + 0.2 * width)
            cv.fill(np.array([p + n * hw, q + n * hw, q - n * hw,
                              p - n * hw]), tones.trabecular * gain * 1.05,
                    convex=True)


def _shaft(cv: Canvas, a: np.ndarray, span: np.ndarray, n: np.ndarray,
           width: float, profile, value: float) -> None:
    """Fill a shaft outline: ``profile`` of (position along ``span``, half
    width in shaft widths)."""
    left = [a + span * t + n * (hw * width) for t, hw in profile]
    right = [a + span * t - n * (hw * width) for t, hw in profile]
    cv.fill(np.array(left + right[::-1]), value, convex=True)
