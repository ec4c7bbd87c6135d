"""Spine: vertebral bodies (cortical rim, trabecular core, pedicles) with
discs between them, lumbar osteophytes and the lumbar ``vertebrae`` box."""
from __future__ import annotations

import numpy as np

from .body_plan import BodyPlan, Vertebra
from .canvas import Canvas
from .tones import SPUR, Tones
from .variation import NUM_LUMBAR, Variation

__all__ = ['draw_spine', 'LUMBAR_BOX_MARGIN', 'MAX_SPUR', 'END_MARGIN',
           'MIN_SPUR_PX']

#: The lumbar box reaches this many body half widths beyond the widest
#: vertebral body (room for the spurs) ...
LUMBAR_BOX_MARGIN = 0.8
#: ... and the longest spur reaches this many half widths out (and half as
#: far beyond the endplate; the box reaches :data:`END_MARGIN` half widths
#: above L1 and below L5).
MAX_SPUR, END_MARGIN = 0.6, 0.35
#: Spurs are at least this long (image pixels), to survive small images.
MIN_SPUR_PX = 1.5


def _body(cv: Canvas, v: Vertebra, tones: Tones) -> None:
    """Vertebral body with waisted sides, its core and two pedicles."""
    hw, y0, y1 = v.hw, v.y_top, v.y_bot
    h = y1 - y0
    ym = 0.5 * (y0 + y1)
    outer = np.array([[-hw, y0], [hw, y0], [0.9 * hw, ym], [hw, y1],
                      [-hw, y1], [-0.9 * hw, ym]])
    cv.fill(outer, tones.cortical * 0.95)
    c = max(0.12 * hw, cv.px(0.6))
    cy = min(c, 0.3 * h)
    inner = np.array([[-hw + c, y0 + cy], [hw - c, y0 + cy],
                      [0.9 * hw - c, ym], [hw - c, y1 - cy],
                      [-hw + c, y1 - cy], [-0.9 * hw + c, ym]])
    cv.fill(inner, tones.trabecular)
    for s in (-1, 1):
        cv.ellipse((s * 0.55 * hw, y0 + 0.4 * h), 0.17 * hw, 0.25 * h,
                   tones.cortical * 0.8, n=10)


def _spurs(cv: Canvas, v: Vertebra, k: int, plan: BodyPlan,
           var: Variation) -> None:
    """Osteophytes at the four corners of lumbar vertebra ``k``: bright
    beaks growing out of the endplate corners towards the disc."""
    st = plan.state
    hw, y0, y1 = v.hw, v.y_top, v.y_bot
    for j, (s, top) in enumerate(((-1, True), (1, True), (-1, False),
                                  (1, False))):
        if var.spur_u[k, j] >= st.osteophyte_p:
            continue
        length = max(MAX_SPUR * hw * st.osteophyte_size * var.spur_len[k, j],
                     cv.px(MIN_SPUR_PX))
        y = y0 if top else y1
        toward = -1.0 if top else 1.0  # towards the disc
        base = max(0.6 * length, cv.px(1.0))
        spur = np.array([[s * 0.98 * hw, y - toward * base],
                         [s * (hw + length), y + toward * 0.5 * length],
                         [s * 0.9 * hw, y + toward * cv.px(0.3)]])
        cv.fill(spur, SPUR, convex=True)


def draw_spine(cv: Canvas, plan: BodyPlan, tones: Tones,
               var: Variation) -> None:
    """All vertebrae C1-L5; spurs on L1-L5; the ``vertebrae`` box (L1-L5
    with room for spurs on both sides)."""
    for v in plan.vertebrae:
        _body(cv, v, tones)
    lumbar = plan.vertebrae[-NUM_LUMBAR:]
    for k, v in enumerate(lumbar):
        _spurs(cv, v, k, plan, var)
    hw = max(v.hw for v in lumbar) * (1.0 + LUMBAR_BOX_MARGIN)
    margin = END_MARGIN * lumbar[0].hw
    cv.add_box('vertebrae', 'lumbar_spine', np.array([
        [-hw, lumbar[0].y_top - margin], [hw, lumbar[-1].y_bot + margin]]))
