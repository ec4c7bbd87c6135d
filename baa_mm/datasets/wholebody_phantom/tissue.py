"""Soft-tissue silhouette (its extent is the ``body`` box)."""
from __future__ import annotations

import numpy as np

from .body_plan import BodyPlan
from .canvas import Canvas

__all__ = ['draw_tissue']


def draw_tissue(cv: Canvas, plan: BodyPlan, layout: dict) -> None:
    """Head, neck, trunk, arms, legs and feet into ``cv.tissue``."""
    x, y, h = plan.x, plan.y, plan.stature
    head_h = y['chin']
    sy = head_h * (0.36 + 0.06 * plan.state.infant)
    pad = 0.006 * h
    cv.ellipse((0.0, sy), x['skull'] + pad, sy + pad, 255, layer='tissue',
               n=24)
    cv.ellipse((0.0, 0.5 * (sy + head_h)), 0.8 * x['skull'],
               0.5 * (head_h - sy) + pad, 255, layer='tissue', n=16)
    nw = 0.035 * h
    cv.fill(np.array([[-nw, head_h - 0.02 * h], [nw, head_h - 0.02 * h],
                      [nw, y['c7'] + 0.02 * h], [-nw, y['c7'] + 0.02 * h]]),
            255, layer='tissue', convex=True)
    y_sh = layout[1]['y_notch'] - 0.01 * h
    sh, cw, pw = x['shoulder'] * 1.03, x['chest'] * 1.12, x['pelvis'] * 1.2
    cv.fill(np.array([[-sh, y_sh], [sh, y_sh], [cw, y['t12']],
                      [pw, y['hip']], [0.6 * pw, y['pubis'] + 0.04 * h],
                      [-0.6 * pw, y['pubis'] + 0.04 * h], [-pw, y['hip']],
                      [-cw, y['t12']]]), 255, layer='tissue', convex=True)
    for lay in layout.values():
        arm = np.array([lay['shoulder'], lay['elbow'], lay['wrist']])
        cv.band(arm, np.array([0.05, 0.038, 0.03]) * h, 255, layer='tissue')
        leg = np.array([lay['hip'] + [0.0, 0.02 * h], lay['knee'],
                        lay['ankle']])
        cv.band(leg, np.array([0.09, 0.055, 0.03]) * h, 255, layer='tissue')
        cv.ellipse(lay['ankle'] + [0.0, 0.028 * h], 0.03 * h, 0.02 * h, 255,
                   layer='tissue', n=12)
        cv.ellipse(lay['wrist'] + lay['forearm_dir'] * (0.05 * h),
                   0.055 * h, 0.028 * h, 255, layer='tissue', n=12,
                   angle=float(np.arctan2(lay['forearm_dir'][1],
                                          lay['forearm_dir'][0])))
