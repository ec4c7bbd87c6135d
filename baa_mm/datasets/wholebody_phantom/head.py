"""Skull: cranial vault, orbits, maxilla with teeth and mandible."""
from __future__ import annotations

import numpy as np

from .body_plan import BodyPlan
from .canvas import Canvas
from .tones import Tones

__all__ = ['draw_head']


def draw_head(cv: Canvas, plan: BodyPlan, tones: Tones) -> None:
    """Draw the skull (relatively large in infants: the head height is ~1/4
    of the stature at birth, ~1/7.7 in adults)."""
    st, h = plan.state, plan.stature
    head_h, sx = plan.y['chin'], plan.x['skull']
    sy = head_h * (0.36 + 0.06 * st.infant)
    cv.ellipse((0.0, sy), sx, sy, tones.cortical * 0.85, n=28)
    cv.ellipse((0.0, sy), 0.9 * sx, 0.9 * sy, tones.trabecular * 0.55, n=28)
    for s in (-1, 1):
        cv.ellipse((s * 0.42 * sx, 1.45 * sy), 0.22 * sx, 0.14 * sy,
                   tones.trabecular * 0.3, n=12)
    y_teeth = sy * 1.75 + 0.2 * (head_h - sy * 1.75)
    t = np.linspace(-1.0, 1.0, 9)
    jaw_top = 1.3 * sy
    jaw = np.stack([0.8 * sx * np.sin(t * np.pi / 2),
                    jaw_top + (head_h - jaw_top) * np.cos(t * np.pi / 2)**0.6
                    ], axis=1)
    cv.band(jaw, 0.011 * h, tones.cortical * 0.85)
    teeth = np.stack([0.5 * sx * t, y_teeth + 0.25 * (head_h - y_teeth) *
                      (1 - t**2)], axis=1)
    cv.band(teeth, 0.008 * h, tones.cortical)
