"""Placing the body in the image and posing the limbs.

:func:`pose_matrix` maps body-frame cm to image pixels: a scale that fits
the tallest adult into the image (children are zoomed by ``fov_adapt``),
the nuisance rotation / shift / scale, and the crop of the head or feet.
:func:`limb_layout` puts the joints of the arms and legs.
"""
from __future__ import annotations

import math
from typing import Dict

import numpy as np

from ..phantom.geometry import affine
from .body_plan import BodyPlan
from .nuisance import Nuisance

__all__ = ['pose_matrix', 'limb_layout', 'rotate', 'FIT_HEIGHT_CM',
           'FIT_WIDTH_CM', 'ARM_ANGLES']

#: Height / width (cm) that fill the image at scale 1 (the tallest adult
#: plus margins; arms along the body fit in the width).
FIT_HEIGHT_CM, FIT_WIDTH_CM = 196.0, 62.0
#: Arm angle (degrees from straight down, outward positive) and elbow bend
#: ranges of each arm pose.
ARM_ANGLES = dict(along=((4.0, 10.0), (-6.0, 4.0)),
                  abducted=((14.0, 26.0), (-8.0, 6.0)),
                  overhead=((164.0, 176.0), (5.0, 20.0)))


def rotate(v: np.ndarray, deg: float) -> np.ndarray:
    """``v`` (2,) rotated by ``deg`` (image frame, y down)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def pose_matrix(plan: BodyPlan, nuis: Nuisance, width: int, height: int,
                fov_adapt: float) -> np.ndarray:
    """Affine map (2, 3) body-frame cm -> image pixels.

    Args:
        plan (BodyPlan): The body (its stature and height).
        nuis (Nuisance): Rotation, shift, scale and crop.
        width (int): Image width.
        height (int): Image height.
        fov_adapt (float): Zoom of small bodies (``stature ** -fov_adapt``
            relative to 180 cm).
    """
    ppc = min(height / FIT_HEIGHT_CM, width / FIT_WIDTH_CM)
    ppc *= (180.0 / plan.stature)**fov_adapt * nuis.scale
    body_px = plan.height * ppc
    if nuis.crop == 'top':
        top = -nuis.crop_frac * body_px
    elif nuis.crop == 'bottom':
        top = height + nuis.crop_frac * body_px - body_px
    else:
        top = (height - body_px) / 2 + nuis.shift_y * height
    target = np.array([width / 2 + nuis.shift_x * width, top + body_px / 2])
    c = math.cos(math.radians(nuis.rotation))
    s = math.sin(math.radians(nuis.rotation))
    lin = ppc * np.array([[c, -s], [s, c]])
    return affine(lin, np.array([0.0, plan.height / 2]), target)


def limb_layout(plan: BodyPlan, nuis: Nuisance) -> Dict[int, dict]:
    """Joints of the limbs per side (-1: patient's right, image left).

    Returns:
        dict: ``{side: dict(shoulder, elbow, wrist, arm_dir, forearm_dir,
        hip, knee, ankle)}`` (points (2,) in cm; directions are unit
        vectors).
    """
    x, y, w, st = plan.x, plan.y, plan.w, plan.state
    lt = y['t12'] - y['c7']
    y_notch = y['c7'] + 0.1 * lt
    (a0, a1), (b0, b1) = ARM_ANGLES[nuis.arms]
    phi = a0 + (a1 - a0) * nuis.arm_u
    bend = b0 + (b1 - b0) * nuis.bend_u
    js = 0.5 + 1.0 * st.infant  # knee joint space (cm)
    out = {}
    for side in (-1, 1):
        shoulder = np.array([side * (x['shoulder'] - 0.022 * plan.stature),
                             y_notch + 0.015 * plan.stature])
        arm_dir = np.array([side * math.sin(math.radians(phi)),
                            math.cos(math.radians(phi))])
        fore_dir = np.array([side * math.sin(math.radians(phi + bend)),
                             math.cos(math.radians(phi + bend))])
        elbow = shoulder + arm_dir * w['humerus_len']
        wrist = elbow + fore_dir * w['forearm_len']
        hip = np.array([side * x['hip'], y['hip']])
        tan = math.tan(math.radians(nuis.leg_angle))
        knee = np.array([side * (x['knee'] + tan * (y['knee'] - y['hip'])),
                         y['knee']])
        ankle = np.array([side * (x['ankle'] + tan *
                                  (y['ankle'] - y['hip'])), y['ankle']])
        out[side] = dict(shoulder=shoulder, elbow=elbow, wrist=wrist,
                         arm_dir=arm_dir, forearm_dir=fore_dir, hip=hip,
                         knee=knee, ankle=ankle, joint_space=js,
                         y_notch=y_notch)
    return out
