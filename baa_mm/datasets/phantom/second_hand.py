"""The second (mirrored) hand of a style-v2 image.

It is the patient's other hand (same bone age and sex, own jitters) with
probability ``second_hand_same_age``, else another person's hand (bone age
at least 36 months from the primary's). It lies beside the primary hand,
never on it or its informative boxes, and often partly outside the image.
"""
from __future__ import annotations

import math
from typing import NamedTuple, Optional, Tuple

import numpy as np

from .anatomy import HAND_PIVOT
from .geometry import affine
from .hand import (HandJitter, draw_hand_jitter, hand_layout, paint_bones,
                   tissue_outline)
from .maturity import maturity_from_boneage, size_factor_for_maturity
from .painter import Painter

#: Offsets (canonical px, in the primary hand's frame) of the second hand's
#: centre: towards the little finger / towards the thumb.
SECOND_HAND_DX = {-1: (125.0, 170.0), 1: (170.0, 215.0)}
#: Smallest visible part of a second hand (fraction of the image).
SECOND_HAND_MIN_AREA = 0.025
#: Candidate poses tried per image.
NUM_POSES = 8


class PrimaryHand(NamedTuple):
    """The primary hand as drawn by :func:`~.render.render_phantom`."""
    paint: Painter  #: its canonical -> image painter
    layout: object  #: its :class:`~.hand.HandLayout`
    mask: np.ndarray  #: geometric tissue mask, bool (H, W)
    boxes: list  #: its informative boxes
    boneage: float
    male: bool
    rot: float  #: rotation [deg]
    scale: float  #: nuisance scale factor


class SecondHand(NamedTuple):
    """A placed second hand."""
    tissue: np.ndarray  #: soft-tissue coverage, uint8 (H, W)
    hand: dict  #: entry of ``PhantomSample.hands`` (geometric mask)
    same_age: bool  #: has the primary's bone age and sex


def _draw_label(rng: np.random.Generator, opts: dict, boneage: float,
                male: bool) -> Tuple[float, bool, bool, HandJitter]:
    """``(boneage, male, same_age, jitter)`` of the second hand."""
    same_age = bool(rng.random() < opts['second_hand_same_age'])
    other_ages = rng.uniform(6.0, 216.0, 8)
    other_male = bool(rng.random() < 0.5)
    jitter = draw_hand_jitter(rng)
    if same_age:
        return float(boneage), bool(male), same_age, jitter
    far = [a for a in other_ages if abs(a - boneage) >= 36.0]
    age2 = far[0] if far else (216.0 if boneage < 111.0 else 6.0)
    return round(float(age2), 1), other_male, same_age, jitter


def _pose_painter(primary: PrimaryHand, side: int, u: np.ndarray,
                  size_factor: float, k: float) -> Painter:
    """Painter of the mirrored hand at one candidate pose.

    Args:
        primary (PrimaryHand): The primary hand (its frame is the
            reference).
        side (int): -1 (towards the little finger) or 1 (the thumb).
        u (np.ndarray): Four uniform numbers: offsets x, y, rotation, scale.
        size_factor (float): Growth factor of the second hand's maturity.
        k (float): Image pixels per canonical pixel of the image size.
    """
    a, b, c, d = u
    lo, hi = SECOND_HAND_DX[int(side)]
    dx = side * (lo + (hi - lo) * a)
    dy = -25.0 + 50.0 * b
    drot = -12.0 + 24.0 * c
    dscale = 0.95 + 0.1 * d
    pivot = np.array(HAND_PIVOT)
    centre = primary.paint.to_image((pivot + [dx, dy])[None])[0]
    r2 = math.radians(primary.rot + drot)
    s2 = 0.98 * primary.scale * dscale * size_factor * k
    lin = s2 * np.array([[math.cos(r2), -math.sin(r2)],
                         [math.sin(r2), math.cos(r2)]]) @ np.diag([-1.0, 1.0])
    paint = primary.paint
    return Painter(affine(lin, pivot, centre), (paint.width, paint.height))


def place_second_hand(rng: np.random.Generator, opts: dict,
                      primary: PrimaryHand, k: float,
                      near_primary: np.ndarray, inside: np.ndarray,
                      bone: np.ndarray, bone_d: float) -> Optional[SecondHand]:
    """Try :data:`NUM_POSES` poses; paint the first that fits.

    A pose fits when its tissue misses ``near_primary`` and at least
    :data:`SECOND_HAND_MIN_AREA` of the image lies ``inside``.

    Args:
        rng (np.random.Generator): The second hand's random stream.
        opts (dict): Resolved v2 options.
        primary (PrimaryHand): The primary hand.
        k (float): Image pixels per canonical pixel of the image size.
        near_primary (np.ndarray): Forbidden pixels, bool (H, W).
        inside (np.ndarray): Exposed (not collimated-out) pixels, bool (H, W).
        bone (np.ndarray): Bone canvas, uint8 (H, W); the bones of the
            placed hand are painted into it.
        bone_d (float): Bone intensity.

    Returns:
        SecondHand or None: None when no pose fits.
    """
    age2, male2, same_age, jitter = _draw_label(rng, opts, primary.boneage,
                                                primary.male)
    sides = np.where(rng.random(NUM_POSES) < 0.5, -1, 1)
    cu = rng.random((NUM_POSES, 4))
    m2 = maturity_from_boneage(age2, male2)
    layout2 = hand_layout(m2, jitter)
    size_factor = size_factor_for_maturity(m2)
    height, width = inside.shape
    min_area = SECOND_HAND_MIN_AREA * width * height
    outline = tissue_outline(layout2)
    for side, u in zip(sides, cu):
        paint2 = _pose_painter(primary, side, u, size_factor, k)
        tissue2 = np.zeros((height, width), np.uint8)
        for pts in outline:
            paint2.fill(tissue2, pts, 255)
        mask2 = tissue2 >= 128
        if (mask2 & near_primary).any():
            continue
        if np.count_nonzero(mask2 & inside) < min_area:
            continue
        boxes2 = paint_bones(paint2, bone, layout2, m2, jitter.epi_delay,
                             bone_d)
        hand = dict(primary=False, mask=mask2, boneage=age2, male=male2,
                    maturity=m2, mirrored=True, informative_boxes=boxes2)
        return SecondHand(tissue2, hand, same_age)
    return None
