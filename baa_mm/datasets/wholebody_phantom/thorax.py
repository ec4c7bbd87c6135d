"""Thorax: scapulae, ribs, costal cartilages with their age-related
calcification, and clavicles."""
from __future__ import annotations

import math
from typing import List

import numpy as np

from .body_plan import BodyPlan
from .canvas import Canvas, band_polygon
from .limbs import SIDE_NAMES
from .tones import CARTILAGE, Tones
from .variation import Variation

__all__ = ['draw_thorax', 'RIB_REACH', 'NUM_CARTILAGES', 'MIN_SPECK_PX',
           'SPECK']

#: Lateral reach of ribs 1-12 (fraction of the chest half width).
RIB_REACH = (0.50, 0.66, 0.77, 0.85, 0.91, 0.96, 0.99, 1.0, 0.99, 0.95,
             0.85, 0.70)
#: Ribs 1-10 reach the sternum or the costal margin through cartilage.
NUM_CARTILAGES = 10
#: Calcification specks: at least this radius (image pixels, so that they
#: survive small images) and at least this bright (dense calcium, brighter
#: than any bone).
MIN_SPECK_PX, SPECK = 1.0, 232.0
_T = np.linspace(0.0, 1.0, 7)
_Q = np.sin(_T * math.pi / 2)
_C = 1.0 - np.cos(_T * math.pi / 2)


def _rib_lines(plan: BodyPlan, side: int):
    """Rib polylines and anterior ends of one side."""
    x, y = plan.x, plan.y
    lt = y['t12'] - y['c7']
    ribs, ends = [], []
    for i in range(12):
        v = plan.vertebra(f'T{i + 1}')
        o = np.array([side * v.hw, 0.5 * (v.y_top + v.y_bot)])
        cw = x['chest'] * RIB_REACH[i]
        lat = np.array([side * cw, o[1] + lt * (0.06 + 0.012 * i)])
        post = o + (lat - o) * np.stack([_Q, _C], axis=1)
        if i < NUM_CARTILAGES:
            ant = np.array([side * cw * (0.35 + 0.025 * i),
                            o[1] + lt * (0.10 + 0.025 * i)])
            front = lat + (ant - lat) * np.stack([_C, _Q], axis=1)[1:]
            ends.append(ant)
        else:  # floating ribs
            front = np.array([[side * cw * 0.95, lat[1] + 0.05 * lt]])
        ribs.append(np.concatenate([post, front]))
    return ribs, ends


def _cartilages(plan: BodyPlan, side: int,
                ends: List[np.ndarray]) -> List[np.ndarray]:
    """Costal cartilage polylines from each anterior rib end to the
    sternum (ribs 1-7) or to the cartilage above (ribs 8-10)."""
    y, h = plan.y, plan.stature
    lt = y['t12'] - y['c7']
    y_notch, y_xiph = y['c7'] + 0.1 * lt, y['c7'] + 0.62 * lt
    st_hw = 0.012 * h
    out = []
    t = np.linspace(0.0, 1.0, 6)[:, None]
    for i, a in enumerate(ends):
        if i < 7:
            e = np.array([side * st_hw,
                          y_notch + (y_xiph - y_notch) * (0.05 + 0.14 * i)])
        else:
            e = out[i - 1][3]
        ctrl = np.array([e[0] + (a[0] - e[0]) * 0.3, a[1]])
        out.append((1 - t)**2 * a + 2 * (1 - t) * t * ctrl + t**2 * e)
    return out


def _specks(cv: Canvas, plan: BodyPlan, s: int, lines: List[np.ndarray],
            width: float, var: Variation) -> None:
    """Calcification specks: shown while ``speck_u < calcification``;
    central in women, along the cartilage margins in men."""
    st = plan.state
    grow = 0.8 + 0.4 * min(max((st.age - 30.0) / 40.0, 0.0), 1.0)
    for j in range(var.speck_u.shape[1]):
        if var.speck_u[s, j] >= st.calcification:
            continue
        line = lines[int(var.speck_k[s, j] * len(lines))]
        pos = var.speck_t[s, j] * (len(line) - 1)
        i = min(int(pos), len(line) - 2)
        d = line[i + 1] - line[i]
        p = line[i] + d * (pos - i)
        d = d / max(np.linalg.norm(d), 1e-9)
        z = var.speck_c[s, j]
        off = 0.15 * z if st.female else math.copysign(
            min(0.3 + 0.06 * abs(z), 0.42), z)
        p = p + np.array([-d[1], d[0]]) * (off * width)
        r = max((0.22 + 0.13 * var.speck_r[s, j]) * grow * plan.stature /
                165.0, cv.px(MIN_SPECK_PX))
        cv.ellipse(p, r, max(0.6 * r, cv.px(0.8 * MIN_SPECK_PX)),
                   SPECK + (255.0 - SPECK) * var.speck_r[s, j],
                   angle=math.atan2(d[1], d[0]), n=10)


def draw_thorax(cv: Canvas, plan: BodyPlan, tones: Tones,
                var: Variation) -> None:
    """Scapulae, ribs, costal cartilages (``costal_cartilage`` box per
    side, calcification specks) and clavicles."""
    x, y, w, h = plan.x, plan.y, plan.w, plan.stature
    lt = y['t12'] - y['c7']
    y_notch = y['c7'] + 0.1 * lt
    for k, side in enumerate((-1, 1)):
        cw, sh = x['chest'], x['shoulder']
        cv.fill(np.array([
            [side * 0.62 * cw, y_notch - 0.005 * h],
            [side * (sh - 0.01 * h), y_notch + 0.005 * h],
            [side * (sh - 0.015 * h), y_notch + 0.05 * h],
            [side * 0.72 * cw, y_notch + 0.55 * lt],
            [side * 0.55 * cw, y_notch + 0.1 * lt]]), tones.cortical * 0.4)
        ribs, ends = _rib_lines(plan, side)
        for i, rib in enumerate(ribs):
            cv.band(rib, w['rib'] * (0.9 if i in (0, 10, 11) else 1.0),
                    tones.cortical * 0.8)
        lines = _cartilages(plan, side, ends)
        polys = [cv.band(line, 0.9 * w['rib'], CARTILAGE) for line in lines]
        _specks(cv, plan, k, lines, 0.9 * w['rib'], var)
        cv.add_box('costal_cartilage', f'costal_cartilage_{SIDE_NAMES[side]}',
                   np.concatenate(polys))
        medial = np.array([side * 0.011 * h, y_notch - 0.008 * h])
        lateral = np.array([side * (sh - 0.012 * h), y_notch - 0.02 * h])
        t = np.linspace(0.0, 1.0, 6)[:, None]
        clav = medial + (lateral - medial) * t
        clav[:, 1] += 0.006 * h * np.sin(2 * math.pi * t[:, 0])
        cv.fill(band_polygon(clav, w['clavicle']), tones.cortical * 0.9)
