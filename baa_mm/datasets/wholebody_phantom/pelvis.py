"""Pelvis: sacrum, iliac wings with the crest apophysis, obturator rings,
pubic bodies and the pubic symphysis."""
from __future__ import annotations

import math

import numpy as np

from .body_plan import BodyPlan
from .canvas import Canvas
from .limbs import SIDE_NAMES
from .long_bone import physis_carving, physis_gap
from .tones import Tones
from .variation import SYMPHYSIS_STEPS, Variation

__all__ = ['draw_pelvis', 'APOPHYSIS_WIDTH']

#: Width of the iliac crest apophysis (cm per 165 cm stature).
APOPHYSIS_WIDTH = 0.5


def _crest(plan: BodyPlan, side: int) -> np.ndarray:
    """Iliac crest (9, 2): from the sacroiliac end to the anterior
    superior iliac spine, a quadratic curve through the crest's top."""
    x, y, h = plan.x, plan.y, plan.stature
    lhw = plan.x['lumbar']
    p0 = np.array([side * 1.75 * lhw, y['iliac'] + 0.018 * h])
    top = np.array([side * 0.6 * x['pelvis'], y['iliac']])
    p2 = np.array([side * x['pelvis'], y['iliac'] + 0.035 * h])
    ctrl = 2 * top - 0.5 * (p0 + p2)
    t = np.linspace(0.0, 1.0, 9)[:, None]
    return (1 - t)**2 * p0 + 2 * (1 - t) * t * ctrl + t**2 * p2


def _ilium(cv: Canvas, plan: BodyPlan, side: int, tones: Tones) -> None:
    """Iliac wing, its crest rim, the apophysis (lateral to medial with
    age, separated by a closing gap) and the ``iliac_crest`` box."""
    st, x, y, h = plan.state, plan.x, plan.y, plan.stature
    crest = _crest(plan, side)
    lhw, hip = x['lumbar'], x['hip']
    wing = np.concatenate([crest, np.array([
        [side * (hip + 0.02 * h), y['hip'] - 0.022 * h],
        [side * (hip - 0.012 * h), y['hip'] - 0.02 * h],
        [side * 1.3 * lhw, 0.5 * (y['l5'] + y['sacrum'])]])])
    cv.fill(wing, tones.trabecular * 0.9)
    rim = max(0.25 * h / 165.0, cv.px(0.8))
    cv.band(crest, rim, tones.cortical * 0.9)
    d = np.gradient(crest, axis=0)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    up = np.stack([d[:, 1], -d[:, 0]], axis=1) * side  # away from the wing
    apo_w = APOPHYSIS_WIDTH * h / 165.0
    gap, thick, value = physis_carving(cv, st.physis['iliac_crest'],
                                       tones.cortical * 0.9)
    n_ossified = int(round(st.apophysis * (len(crest) - 1)))
    if n_ossified >= 1:  # grows from the lateral end (last points)
        part = slice(len(crest) - 1 - n_ossified, len(crest))
        cv.band(crest[part] + up[part] * (0.5 * rim + 0.5 * (gap + apo_w)),
                gap + apo_w, tones.cortical * 0.85)
        if st.physis['iliac_crest'] > 0:
            cv.band(crest[part] + up[part] * (0.5 * (rim + gap)), thick,
                    value)
    reach = 0.5 * rim + physis_gap(cv, 1.0) + apo_w + 0.3 * rim
    cv.add_box('iliac_crest', f'iliac_crest_{SIDE_NAMES[side]}',
               np.concatenate([crest + up * reach, crest - up * (2 * rim)]))


def _symphysis_face(plan: BodyPlan, var: Variation, k: int, side: int,
                    y0: float, y1: float, half_gap: float) -> np.ndarray:
    """Medial face (steps, 2) of a pubic body: ridges when young, flat
    with a rim in mid-life, eroded and irregular in old age."""
    st, h = plan.state, plan.stature
    t = np.linspace(0.0, 1.0, SYMPHYSIS_STEPS)
    amp = h / 165.0
    off = (0.22 * st.billow * np.sin(2 * math.pi * 2.5 * t + var.billow_phase)
           + 0.6 * st.erosion * var.face_u[k]) * amp
    x = side * (half_gap + np.maximum(off + 0.1 * amp, 0.0))
    return np.stack([x, y0 + (y1 - y0) * t], axis=1)


def _pubis(cv: Canvas, plan: BodyPlan, var: Variation,
           tones: Tones) -> None:
    """Obturator rings, superior rami, pubic bodies, the symphysis and its
    ``pubic_symphysis`` box."""
    st, x, y, h = plan.state, plan.x, plan.y, plan.stature
    half_gap = (0.25 + 0.3 * st.infant) * h / 165.0
    y0, y1 = y['pubis'] - 0.013 * h, y['pubis'] + 0.013 * h
    pw = 0.022 * h
    for k, side in enumerate((-1, 1)):
        c = (side * 0.5 * x['hip'], y['hip'] + 0.03 * h)
        cv.ellipse(c, 0.018 * h, 0.026 * h, tones.cortical * 0.75, n=16)
        cv.ellipse(c, 0.011 * h, 0.018 * h, 0.0, n=16)
        cv.band(np.array([[side * (x['hip'] - 0.012 * h), y['hip']],
                          [side * (half_gap + 0.5 * pw), y0 + 0.008 * h]]),
                0.012 * h, tones.cortical * 0.75)
        face = _symphysis_face(plan, var, k, side, y0, y1, half_gap)
        body = np.concatenate([face, [[side * (half_gap + pw), y1],
                                      [side * (half_gap + pw), y0]]])
        cv.fill(body, tones.trabecular)
        if st.rim > 0.05:  # bright rim along the face (mid-life)
            cv.band(face + [side * 0.1 * h / 165.0, 0.0], 0.18 * h / 165.0,
                    tones.cortical * (0.8 + 0.2 * st.rim))
    bw = half_gap + 0.6 * pw
    cv.add_box('pubic_symphysis', 'pubic_symphysis', np.array([
        [-bw, y0 - 0.004 * h], [bw, y1 + 0.004 * h]]))


def draw_pelvis(cv: Canvas, plan: BodyPlan, tones: Tones,
                var: Variation) -> None:
    """Sacrum, both ilia, the pubic region."""
    x, y = plan.x, plan.y
    l5 = plan.vertebrae[-1]
    top = l5.y_bot + 0.006 * plan.stature * plan.state.disc_height
    hw = 1.3 * x['lumbar']
    cv.fill(np.array([[-hw, top], [hw, top], [0.3 * hw, y['sacrum']],
                      [-0.3 * hw, y['sacrum']]]), tones.trabecular * 0.95,
            convex=True)
    for side in (-1, 1):
        _ilium(cv, plan, side, tones)
    _pubis(cv, plan, var, tones)
