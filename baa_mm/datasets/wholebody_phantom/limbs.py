"""Arms (humerus, radius, ulna, hand) and legs (femur with its neck and
head, tibia, fibula, foot)."""
from __future__ import annotations

import numpy as np

from .body_plan import BodyPlan
from .canvas import Canvas
from .long_bone import BoneEnd, carve_physis, draw_long_bone
from .pose import rotate
from .tones import Tones

__all__ = ['draw_arms', 'draw_legs', 'SIDE_NAMES']

#: Site suffix of each side (patient's right is on the image left).
SIDE_NAMES = {-1: 'right', 1: 'left'}


def _hand(cv: Canvas, wrist: np.ndarray, d: np.ndarray, size: float,
          tones: Tones) -> None:
    """A hand: palm blob and four finger rays along ``d``."""
    n = np.array([-d[1], d[0]])
    palm = wrist + d * (0.33 * size)
    cv.ellipse(palm, 0.33 * size, 0.22 * size, tones.trabecular,
               angle=float(np.arctan2(d[1], d[0])), n=12)
    for k in (-1.5, -0.5, 0.5, 1.5):
        base = palm + d * (0.28 * size) + n * (0.1 * size * k)
        tip = base + rotate(d, 6.0 * k) * (0.45 * size)
        cv.band(np.array([base, tip]), 0.06 * size, tones.cortical * 0.7)


def draw_arms(cv: Canvas, plan: BodyPlan, layout: dict, tones: Tones) -> None:
    """Humeri (proximal growth plate boxes), forearms and hands."""
    st, w = plan.state, plan.w
    for side, lay in layout.items():
        d = lay['arm_dir']
        head = BoneEnd('round', st.physis['humerus_proximal'], st.epiphysis,
                       f'humerus_proximal_{SIDE_NAMES[side]}')
        r = 0.62 * w['humerus'] * (0.6 + 0.4 * st.epiphysis)
        draw_long_bone(cv, lay['shoulder'] - d * r, lay['elbow'],
                       w['humerus'], tones, end0=head)
        fd = lay['forearm_dir']
        n = np.array([-fd[1], fd[0]]) * (0.55 * w['forearm'])
        for off, gain in ((n, 0.95), (-n, 0.9)):  # radius, ulna
            draw_long_bone(cv, lay['elbow'] + off, lay['wrist'] + off,
                           w['forearm'], tones, gain=gain)
        _hand(cv, lay['wrist'], fd, w['hand_len'], tones)


def _femur_top(cv: Canvas, plan: BodyPlan, side: int, hip: np.ndarray,
               knee: np.ndarray, tones: Tones) -> np.ndarray:
    """Femoral head, neck and trochanters; returns the neck base (the top
    of the shaft). Records the ``femoral_neck`` box."""
    st, w = plan.state, plan.w
    h = plan.stature
    base0 = hip + np.array([side * 0.035 * h, 0.03 * h])
    down = (knee - base0) / np.linalg.norm(knee - base0)
    neck_dir = rotate(down, side * st.neck_angle)
    base = hip - neck_dir * w['neck_len']
    down = (knee - base) / np.linalg.norm(knee - base)
    lateral = np.array([-down[1], down[0]]) * (
        1.0 if np.dot([-down[1], down[0]], [side, 0]) > 0 else -1.0)
    fw, r_full = w['femur'], w['femur_head']
    r = r_full * (0.55 + 0.45 * st.epiphysis)
    cv.ellipse(base + lateral * (0.45 * fw) - down * (0.35 * fw), 0.5 * fw,
               0.7 * fw, tones.cortical * 0.9, n=12)  # greater trochanter
    cv.ellipse(base - lateral * (0.45 * fw) + down * (0.9 * fw), 0.3 * fw,
               0.3 * fw, tones.cortical * 0.9, n=8)  # lesser trochanter
    neck_w = 1.25 * r_full
    line = np.array([base, hip])
    neck = cv.band(line, neck_w, tones.cortical * 0.9)
    cv.band(line, neck_w * (1 - 2 * tones.cortex_frac), tones.trabecular)
    cv.ellipse(hip, r, r, tones.cortical * 0.92, n=20)
    cv.ellipse(hip, 0.78 * r, 0.78 * r, tones.trabecular, n=20)
    if st.physis['femur_head'] > 0:  # subcapital plate across the head
        carve_physis(cv, hip - neck_dir * (0.45 * r), -neck_dir,
                     np.array([-neck_dir[1], neck_dir[0]]) * (1.1 * r),
                     st.physis['femur_head'], tones.trabecular)
    t = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    circle = hip + r_full * np.stack([np.cos(t), np.sin(t)], axis=1)
    cv.add_box('femoral_neck', f'femoral_neck_{SIDE_NAMES[side]}',
               np.concatenate([circle, neck]))
    return base


def _foot(cv: Canvas, ankle: np.ndarray, side: int, h: float,
          tones: Tones) -> None:
    """Foot of a supine patient (toes up): talus, foot blob and toes."""
    cv.ellipse(ankle + [0.0, 0.012 * h], 0.014 * h, 0.011 * h,
               tones.trabecular * 1.1, n=12)
    cv.ellipse(ankle + [side * 0.006 * h, 0.03 * h], 0.022 * h, 0.014 * h,
               tones.trabecular * 0.9, n=12)
    for k in range(4):
        base = ankle + [side * (0.0 + 0.01 * k) * h, 0.036 * h]
        cv.band(np.array([base, base + [side * 0.004 * h, 0.009 * h]]),
                0.005 * h, tones.cortical * 0.7)


def draw_legs(cv: Canvas, plan: BodyPlan, layout: dict, tones: Tones) -> None:
    """Femora (neck box, distal growth plate box), tibiae (proximal growth
    plate box), fibulae and feet."""
    st, w, h = plan.state, plan.w, plan.stature
    for side, lay in layout.items():
        name = SIDE_NAMES[side]
        hip, knee, ankle = lay['hip'], lay['knee'], lay['ankle']
        js = lay['joint_space'] / 2
        k_top, k_bot = knee - [0.0, js], knee + [0.0, js]
        base = _femur_top(cv, plan, side, hip, k_top, tones)
        down = (k_top - base) / np.linalg.norm(k_top - base)
        draw_long_bone(cv, base - down * (0.5 * w['femur']), k_top,
                       w['femur'], tones,
                       end1=BoneEnd('flat', st.physis['femur_distal'],
                                    st.epiphysis, f'femur_distal_{name}'))
        draw_long_bone(cv, k_bot, ankle, w['tibia'], tones,
                       end0=BoneEnd('flat', st.physis['tibia_proximal'],
                                    st.epiphysis, f'tibia_proximal_{name}'))
        lat = np.array([side * 0.55 * w['tibia'], 0.0])
        draw_long_bone(cv, k_bot + lat * 1.4 + [0.0, 0.02 * h],
                       ankle + lat * 1.3 + [0.0, 0.01 * h], w['fibula'],
                       tones, gain=0.9)
        _foot(cv, ankle, side, h, tones)
