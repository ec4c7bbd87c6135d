# Copyright (c) baa_mm contributors. All rights reserved.
"""Deterministic synthetic hand radiographs ("phantoms") for bone age.

The phantom is built-in demo and test data: it needs no download, is free of
patient data, and is designed so that

* a CNN regressor can learn the age from it (the age cues are rendered at a
  size that survives resizing to 128 x 128), and
* the age signal sits in **small, local structures**, so that models which
  select informative regions (PRSNet-style part selection) gain from
  selecting the right ones. The positions of these structures are exported as
  ``informative_boxes``.

Design
------
All shapes are drawn with OpenCV as anti-aliased polygons with sub-pixel
(fixed-point) vertices. A hand is laid out in a *canonical frame* (units are
pixels of a 256 x 256 image, fingers up, wrist down, thumb on the right as in
a PA radiograph of a left hand) and mapped to the output image by one affine
transform (global scale, rotation, translation and ``img_size / 256``). Every
vertex goes through that transform before drawing, so the image, the hand
mask and the informative boxes agree exactly.

Layers (all of shape (H, W)):

1. **Soft tissue**: palm + forearm (a convex hull), thumb and four fingers
   (capsules along the bone chains). Its anti-aliased coverage defines the
   exact hand mask (coverage >= 50 %). Intensity grows from the edge to the
   core (distance transform), ~70-110.
2. **Bones** (added on top of the tissue, so they read ~150-230): radius and
   ulna, five metacarpals, proximal / middle / distal phalanges (the thumb
   has no middle phalanx), drawn with a bright cortex and darker medulla.
3. **Age cues** (all driven by the maturity ``m`` in months):

   * *Carpal ossification centres*: eight oval centres (capitate, hamate,
     triquetrum, lunate, trapezium, trapezoid, scaphoid, pisiform) that
     appear one after another (maturity 3 ... 132 months) and grow from a
     radius of ~1.5 px to 4.5-9 px (at 256 px, scaled with the image size).
   * *Epiphyses* at the base of each of the 14 phalanges and at the distal
     radius and ulna: a cap separated from the shaft by a dark physis gap.
     They appear at 12-72 months, widen from ~0.35 to ~1.1 x the shaft width
     ("capping") while the gap narrows, and the gap closes (fusion) at
     maturity ~160-215 months.
   * *Size*: bones and hand grow mildly (x0.86 -> x1.0) with maturity, which
     is a weak cue next to the random global scale (x0.85 - x1.15).

   Small per-image jitters of each site's timing make the cues realistic
   rather than a look-up table.

**Sex** enters through the maturity only: girls mature earlier, so
``m = boneage * (1.0 if male else 1.15)`` clipped to ``MAX_BONEAGE``. The label
is the bone age in months.

**Nuisance**: translation, rotation (+-20 deg), global scale (+-15 %),
finger spread / length / width jitter, background level and gradient,
contrast, brightness, gamma, Gaussian blur and Gaussian noise.

**Determinism**: each image draws all of its random numbers from
``np.random.default_rng([seed, index])``; the age and sex are drawn first and
always, so overriding them via :func:`render_phantom` keeps every nuisance
parameter of that image unchanged. Output files are byte identical for the
same seed regardless of the number of worker processes.

**Styles**: ``style='v1'`` (the default) is the output described above and
stays byte identical for existing seeds (demo and tests depend on it).
``style='v2'`` renders the same primary hand (same label, pose and nuisance
draws for a given ``(seed, index)``) and adds, each with its own probability
(:data:`DEFAULT_V2_OPTIONS`), distractors that fool whole-image regressors:

* ``collimation``: the exposure field is a (possibly rotated, +-12 deg)
  rectangle with a sharp edge; outside it the image is opaque dark (digital
  shutter) or bright (unexposed film). The field always contains the whole
  primary hand except the forearm.
* ``second_hand``: the other (right) hand, mirrored, side by side with the
  primary hand and often partly outside the image. With probability
  ``second_hand_same_age`` it has the primary's bone age and sex (the
  patient's other hand, with its own small jitters); otherwise its bone age
  is drawn uniformly from 6-216 months at least 36 months away from the
  primary's, and its sex at random (another person's hand). The LABEL is
  always the primary hand's bone age.
* ``frame``: a bright band along the four image borders.
* ``ruler``: a bright graduated bar (ticks, numbers) along one edge.
* ``marker``: a lead side marker, a very bright ``L`` / ``R`` in a small
  square, rotated.
* ``tag``: burned-in text (id, date, name, view), plain bright characters or
  on a label rectangle, near corners / edges.

Rotation: ``max_rotation`` (degrees) scales the +-20 deg rotation draw, 180
gives arbitrary rotation (0-360 deg); above 20 deg the hand is rotated about
the centre of its informative region so that it stays in the image.

Distractors never touch the primary hand's informative boxes, and markers,
tags and rulers are placed off both hands (with a margin that covers the
blur); the hand masks are the *visible* hands, i.e. they exclude the
collimated-out region and every distractor pixel. Every random number of
v2 comes from streams ``default_rng([seed, index, 2, k])``, one per kind of
distractor, so v2 with every probability 0 (and ``max_rotation`` 20) equals
v1 exactly, and the presence of a distractor is monotone in its probability.
Drawing of the distractors lives in ``distractors.py`` (loaded by file path
when this module is).

Image sizes: ``img_size`` is an int (square) or ``(width, height)``; the
hand is scaled with the shorter side and centred. Sizes up to 2048 px are
tested (structures, blur and margins scale with the size).

This module only depends on numpy and OpenCV (no torch / mmengine) and has no
package-relative imports, so tools can load it by file path to stay fast.
"""
from __future__ import annotations

import csv
import functools
import json
import math
import multiprocessing as mp
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np


def _load_module(name: str, relpath: str):
    """A pure numpy/cv2 module of the package, imported by file path when
    this file itself was loaded by path (no package, no torch)."""
    if __package__:
        import importlib
        package = __package__ if relpath.startswith('./') else \
            __package__.rsplit('.', 1)[0]
        return importlib.import_module(f'{package}.{name}')
    import importlib.util
    key = f'{__name__}_{name}'
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(
        key, osp.normpath(osp.join(osp.dirname(osp.abspath(__file__)),
                                   relpath)))
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


_dx = _load_module('distractors', './distractors.py')
_hm = _load_module('hand_masks', '../hand_masks.py')

__all__ = [
    'GENERATOR_VERSION', 'MAX_BONEAGE', 'CARPAL_NAMES', 'EPIPHYSIS_SITES',
    'INFORMATIVE_BOX_NAMES', 'PhantomSample', 'maturity_from_boneage',
    'carpal_radii_for_maturity', 'num_visible_carpals',
    'epiphysis_state_for_maturity', 'render_phantom', 'mask_to_polygons',
    'generate_phantom_split', 'generate_phantom_dataset', 'STYLES',
    'STYLE_VERSIONS', 'DEFAULT_V2_OPTIONS', 'DISTRACTOR_NAMES',
    'resolve_v2_options', 'parse_img_size'
]

#: Bumped whenever the rendered output changes; stored in ``meta.json``.
GENERATOR_VERSION = '1.0'
#: Rendering styles; ``'v1'`` is the default and never changes.
STYLES = ('v1', 'v2')
#: Version of each style's output (``meta.json`` ``style_version`` for v2).
STYLE_VERSIONS = {'v1': GENERATOR_VERSION, 'v2': '2.0'}
#: Options of style ``'v2'``: per-image probabilities of each distractor,
#: probability that a second hand has the primary's age, and the rotation
#: range (degrees, 180 = arbitrary rotation).
DEFAULT_V2_OPTIONS = dict(
    p_collimation=0.4,
    p_second_hand=0.3,
    p_frame=0.15,
    p_ruler=0.3,
    p_marker=0.6,
    p_tag=0.5,
    second_hand_same_age=0.5,
    max_rotation=20.0)
#: ``name`` of the entries of ``distractor_boxes`` (style v2).
DISTRACTOR_NAMES = ('collimation', 'second_hand', 'frame', 'ruler', 'marker',
                    'tag')
#: Largest bone age / maturity in months (RSNA labels lie in [1, 228]).
MAX_BONEAGE = 228.0
#: Maturity multiplier for girls (they mature earlier).
FEMALE_MATURITY_FACTOR = 1.15
#: Size of the canonical frame in which the hand is laid out.
_CANON = 256.0
#: Fixed-point bits used for sub-pixel polygon vertices in OpenCV.
_SHIFT = 4
_FP = float(1 << _SHIFT)

# --------------------------------------------------------------------------
# Anatomy in the canonical frame (pixels of a 256 x 256 image).
# --------------------------------------------------------------------------

#: Carpal centres in order of appearance:
#: (name, centre (x, y), full radius, aspect (long/short), orientation [deg],
#:  appearance maturity [months]).
_CARPALS: Tuple[Tuple[str, Tuple[float, float], float, float, float, float],
                ...] = (
    ('capitate', (128.0, 179.0), 9.0, 1.35, 95.0, 3.0),
    ('hamate', (110.0, 182.0), 8.0, 1.25, 75.0, 6.0),
    ('triquetrum', (101.0, 198.0), 6.5, 1.2, 20.0, 30.0),
    ('lunate', (122.0, 200.0), 7.0, 1.15, 0.0, 45.0),
    ('trapezium', (158.0, 183.0), 6.5, 1.2, 60.0, 60.0),
    ('trapezoid', (145.0, 176.0), 5.5, 1.2, 100.0, 72.0),
    ('scaphoid', (145.0, 197.0), 7.5, 1.5, 60.0, 84.0),
    ('pisiform', (94.0, 205.0), 4.5, 1.1, 0.0, 132.0),
)
CARPAL_NAMES: Tuple[str, ...] = tuple(c[0] for c in _CARPALS)
#: Maturity at which every carpal centre reaches its full radius.
_CARPAL_FULL_MATURITY = 192.0
#: Radius (canonical px) of a carpal centre when it first appears.
_CARPAL_MIN_RADIUS = 1.5

#: Rays: metacarpal base (x, y), direction [deg from "up", + = towards the
#: thumb], metacarpal (length, width), phalanges ((length, width), ...) from
#: proximal to distal, extra bend per joint [deg].
_RAYS = {
    'thumb': ((163.0, 172.0), 38.0, (38.0, 9.3),
              ((28.0, 8.4), (20.0, 7.0)), -5.0),
    'index': ((146.0, 163.0), 8.0, (56.0, 8.3),
              ((33.0, 7.8), (20.0, 6.4), (15.0, 5.4)), 2.0),
    'middle': ((131.0, 161.0), 1.0, (58.0, 8.6),
               ((36.0, 8.1), (23.0, 6.7), (16.0, 5.6)), 0.0),
    'ring': ((117.0, 164.0), -7.0, (52.0, 8.0),
             ((34.0, 7.7), (22.0, 6.3), (16.0, 5.3)), -2.0),
    'little': ((104.0, 168.0), -15.0, (46.0, 7.2),
               ((27.0, 6.8), (16.0, 5.6), (13.0, 4.9)), -3.0),
}
_FINGERS: Tuple[str, ...] = ('thumb', 'index', 'middle', 'ring', 'little')
_PHALANX_NAMES = ('proximal_phalanx', 'middle_phalanx', 'distal_phalanx')
#: All ray bone widths in ``_RAYS`` are multiplied by this.
_RAY_WIDTH_SCALE = 1.12
#: Joint space between consecutive bones of a ray (canonical px).
_JOINT_GAP = 3.0
#: Forearm bones: joint point (distal end, towards the carpus), width.
_RADIUS = ((142.0, 214.0), 24.0)
_ULNA = ((106.0, 219.0), 14.0)
#: Forearm bones and soft tissue run down to this canonical y (well below
#: the image even at the smallest scale).
_FOREARM_END_Y = 440.0

#: Epiphysis kinetics (maturity in months, sizes relative to shaft width):
#: appear, fuse_start, fuse_end, gap (unfused, young), gap (just before
#: fusion), height (young), height (mature), width ratio (young), width ratio
#: (mature).
_EPI_KINETICS = {
    'proximal_phalanx': (15.0, 168.0, 200.0, 0.32, 0.10, 0.18, 0.40, 0.35,
                         1.08),
    'middle_phalanx': (24.0, 172.0, 204.0, 0.32, 0.10, 0.18, 0.40, 0.35,
                       1.08),
    'distal_phalanx': (20.0, 160.0, 192.0, 0.32, 0.10, 0.18, 0.40, 0.35,
                       1.08),
    'radius': (12.0, 185.0, 215.0, 0.28, 0.08, 0.15, 0.38, 0.35, 1.0),
    'ulna': (72.0, 180.0, 210.0, 0.30, 0.09, 0.16, 0.40, 0.40, 1.0),
}
#: Maturity at which an epiphysis reaches its mature size.
_EPI_FULL_MATURITY = 156.0
#: Distance of the flat metaphysis end of a shaft from its joint point, in
#: shaft widths. Epiphysis + physis gap sit in between.
_EPI_SHAFT_OFFSET = 0.5


def _epiphysis_sites() -> Tuple[Tuple[str, str], ...]:
    sites = [('radius_epiphysis', 'radius'), ('ulna_epiphysis', 'ulna')]
    for finger in _FINGERS:
        names = (('proximal_phalanx', 'distal_phalanx') if finger == 'thumb'
                 else _PHALANX_NAMES)
        for bone in names:
            sites.append((f'{finger}_{bone}_epiphysis', bone))
    return tuple(sites)


#: (box name, kinetics key) of every epiphysis / physis site (16 sites).
EPIPHYSIS_SITES: Tuple[Tuple[str, str], ...] = _epiphysis_sites()
#: Names of the informative boxes of every sample, in order.
INFORMATIVE_BOX_NAMES: Tuple[str, ...] = ('carpals', ) + tuple(
    s[0] for s in EPIPHYSIS_SITES)


@dataclass
class PhantomSample:
    """One rendered phantom.

    Attributes:
        image (np.ndarray): Radiograph of shape (H, W), dtype uint8.
        mask (np.ndarray): Exact soft-tissue hand mask of shape (H, W), bool.
        boneage (float): Label, bone age in months (1 decimal).
        male (bool): Sex.
        informative_boxes (list[dict]): ``{'name', 'bbox': [x1, y1, x2, y2],
            'visible'}`` in pixel coordinates of ``image`` (COCO / mmdet
            convention: pixel ``x`` covers ``[x, x + 1)``), clipped to
            ``[0, size]``; ``visible`` is False when the box centre lies
            outside the image. Order: :data:`INFORMATIVE_BOX_NAMES`.
        maturity (float): Maturity in months that drives the age cues.
        index (int): Image index the sample was rendered from.
        seed (int): Seed the sample was rendered from.
        style (str): ``'v1'`` or ``'v2'``.
        hands (list[dict]): Every hand in the image, primary first:
            ``primary`` (bool), ``mask`` (exact visible mask, bool (H, W);
            the primary's is ``mask``), ``boneage``, ``male``, ``maturity``,
            ``mirrored`` (bool) and its ``informative_boxes``. v1 has only
            the primary hand.
        distractor_boxes (list[dict]): Style v2: ``{'name', 'bbox': [x1, y1,
            x2, y2], ...}`` of every distractor (names in
            :data:`DISTRACTOR_NAMES`, extra keys per kind, e.g. ``text``).
            Empty for v1.
        distractor_mask (np.ndarray, optional): Style v2: bool (H, W),
            pixels of markers, tags, rulers, frame and the collimated-out
            region (disjoint from every hand mask). None for v1.
        skipped_distractors (list[str]): Style v2: distractors that were
            drawn as present but found no free place (rare).
    """
    image: np.ndarray
    mask: np.ndarray
    boneage: float
    male: bool
    informative_boxes: List[dict] = field(default_factory=list)
    maturity: float = 0.0
    index: int = 0
    seed: int = 0
    style: str = 'v1'
    hands: List[dict] = field(default_factory=list)
    distractor_boxes: List[dict] = field(default_factory=list)
    distractor_mask: Optional[np.ndarray] = None
    skipped_distractors: List[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Age cues as functions of maturity.
# --------------------------------------------------------------------------


def maturity_from_boneage(boneage: float, male: bool) -> float:
    """Maturity (months) that drives the age cues.

    Args:
        boneage (float): Bone age in months.
        male (bool): Sex; girls mature ``FEMALE_MATURITY_FACTOR`` times faster.

    Returns:
        float: ``boneage * (1 if male else 1.15)`` clipped to [0, 228].
    """
    factor = 1.0 if male else FEMALE_MATURITY_FACTOR
    return float(np.clip(boneage * factor, 0.0, MAX_BONEAGE))


def carpal_radii_for_maturity(
        maturity: float,
        appear_jitter: Optional[Sequence[float]] = None) -> np.ndarray:
    """Radii of the eight carpal centres at a maturity.

    Args:
        maturity (float): Maturity in months.
        appear_jitter (Sequence[float], optional): Per-centre shift (months)
            of the appearance time, shape (8,). Defaults to no shift.

    Returns:
        np.ndarray: Radii (long semi-axis) in canonical pixels (256 px image),
        shape (8,); 0 for centres that have not appeared yet.
    """
    radii = np.zeros(len(_CARPALS), dtype=np.float64)
    for i, (_, _, r_full, _, _, appear) in enumerate(_CARPALS):
        if appear_jitter is not None:
            appear = max(0.5, appear + float(appear_jitter[i]))
        if maturity < appear:
            continue
        t = min(1.0, (maturity - appear) /
                max(_CARPAL_FULL_MATURITY - appear, 1.0))
        radii[i] = _CARPAL_MIN_RADIUS + (r_full - _CARPAL_MIN_RADIUS) * t**0.75
    return radii


def num_visible_carpals(maturity: float) -> int:
    """Number of ossified carpal centres at a maturity (no jitter).

    Args:
        maturity (float): Maturity in months.

    Returns:
        int: Count in [0, 8].
    """
    return int(np.count_nonzero(carpal_radii_for_maturity(maturity)))


def epiphysis_state_for_maturity(maturity: float,
                                 kind: str,
                                 delay: float = 0.0) -> Dict[str, float]:
    """Shape of an epiphysis / physis at a maturity.

    Args:
        maturity (float): Maturity in months.
        kind (str): Key of the kinetics table: ``'proximal_phalanx'``,
            ``'middle_phalanx'``, ``'distal_phalanx'``, ``'radius'``,
            ``'ulna'``.
        delay (float): Shift (months) of this site's timeline. Defaults to 0.

    Returns:
        dict: ``present`` (0/1), ``width_ratio`` (epiphysis width / shaft
        width), ``height`` and ``gap`` (physis gap), both in shaft widths,
        and ``fusion`` in [0, 1] (1 = fused, gap filled with bone).
    """
    (appear, fuse_start, fuse_end, gap0, gap1, h0, h1, r0,
     r1) = _EPI_KINETICS[kind]
    m = maturity - delay
    if m < appear:
        return dict(present=0.0, width_ratio=0.0, height=0.0, gap=gap0,
                    fusion=0.0)
    t = min(1.0, (m - appear) / (_EPI_FULL_MATURITY - appear))
    t_gap = min(1.0, (m - appear) / (fuse_start - appear))
    fusion = float(np.clip((m - fuse_start) / (fuse_end - fuse_start), 0, 1))
    return dict(
        present=1.0,
        width_ratio=r0 + (r1 - r0) * t**0.8,
        height=h0 + (h1 - h0) * t**0.8,
        gap=gap0 + (gap1 - gap0) * t_gap,
        fusion=fusion)


# --------------------------------------------------------------------------
# Geometry helpers (canonical frame, float64 arrays of shape (N, 2)).
# --------------------------------------------------------------------------


def _unit(angle_deg: float) -> np.ndarray:
    """Unit vector ``angle_deg`` from "up" (+ = towards +x), y down."""
    a = math.radians(angle_deg)
    return np.array([math.sin(a), -math.cos(a)])


def _perp(u: np.ndarray) -> np.ndarray:
    return np.array([-u[1], u[0]])


def _arc(center: np.ndarray, radius: float, a0: float, a1: float,
         n: int) -> np.ndarray:
    a = np.linspace(a0, a1, n)
    return center + radius * np.stack([np.cos(a), np.sin(a)], axis=1)


def _ellipse_pts(center: Sequence[float], a: float, b: float, angle_deg: float,
                 n: int = 24) -> np.ndarray:
    """Polygon of an ellipse with semi-axes ``a`` (along ``angle_deg`` from
    +x towards +y) and ``b``."""
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    x, y = a * np.cos(t), b * np.sin(t)
    return np.stack([c * x - s * y, s * x + c * y], axis=1) + np.asarray(
        center, dtype=np.float64)


def _capsule_pts(p0: np.ndarray, p1: np.ndarray, r: float,
                 n_arc: int = 9) -> np.ndarray:
    """Polygon of a capsule (segment ``p0``-``p1`` dilated by ``r``)."""
    d = p1 - p0
    ang = math.atan2(d[1], d[0])
    return np.concatenate([
        _arc(p1, r, ang - math.pi / 2, ang + math.pi / 2, n_arc),
        _arc(p0, r, ang + math.pi / 2, ang + 3 * math.pi / 2, n_arc)
    ])


def _shaft_pts(p_flat: np.ndarray, p_head: np.ndarray, w: float,
               round_head: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """Outer and medulla polygons of a long-bone shaft.

    The shaft has a flat (metaphyseal) end at ``p_flat``, a waist, and a
    rounded head ending at ``p_head``.
    """
    d = p_head - p_flat
    length = float(np.linalg.norm(d))
    u = d / max(length, 1e-6)
    n = _perp(u)
    # (position along the shaft in [0, 1], half width in shaft widths)
    profile = ((0.0, 0.50), (0.22, 0.42), (0.5, 0.38), (0.78, 0.42))
    hr = 0.45 * w
    head_c = p_head - u * hr
    left = [p_flat + u * (t * length) + n * (hw * w) for t, hw in profile]
    right = [p_flat + u * (t * length) - n * (hw * w) for t, hw in profile]
    ang = math.atan2(u[1], u[0])
    if round_head:
        head = _arc(head_c, hr, ang + math.pi / 2, ang - math.pi / 2, 9)
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


class _Painter:
    """Draws canonical-frame polygons into output canvases.

    Args:
        matrix (np.ndarray): Affine map canonical -> image, shape (2, 3).
        size (tuple[int, int]): Output ``(width, height)``.
    """

    def __init__(self, matrix: np.ndarray, size: Tuple[int, int]) -> None:
        self.m = matrix
        self.width, self.height = size

    def to_image(self, pts: np.ndarray) -> np.ndarray:
        """Map canonical points (N, 2) to image coordinates (N, 2)."""
        return pts @ self.m[:, :2].T + self.m[:, 2]

    def fill(self, canvas: np.ndarray, pts: np.ndarray, value: float,
             convex: bool = True) -> None:
        ip = np.round(self.to_image(pts) * _FP).astype(np.int32)
        v = int(round(min(max(value, 0.0), 255.0)))
        if convex:
            cv2.fillConvexPoly(canvas, ip, v, cv2.LINE_AA, _SHIFT)
        else:
            cv2.fillPoly(canvas, [ip], v, cv2.LINE_AA, _SHIFT)

    def bbox(self, pts: np.ndarray) -> Tuple[List[float], bool]:
        """Clipped axis-aligned image box of canonical points."""
        # +0.5: OpenCV draws pixel centres at integers, boxes use the
        # COCO / mmdet convention (pixel x covers [x, x + 1)).
        p = self.to_image(pts) + 0.5
        x1, y1 = p.min(axis=0)
        x2, y2 = p.max(axis=0)
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        w, h = self.width, self.height
        visible = bool(0 <= cx < w and 0 <= cy < h)
        box = np.clip([x1, y1, x2, y2], 0, [w, h, w, h])
        return [round(float(v), 2) for v in box], visible


# --------------------------------------------------------------------------
# Rendering.
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _centred_ramp(size: int) -> np.ndarray:
    """Pixel coordinates / size - 0.5, shape (size,), float32."""
    ramp = np.arange(size, dtype=np.float32) / np.float32(size) - 0.5
    ramp.flags.writeable = False
    return ramp


def _draw_age_and_sex(rng: np.random.Generator,
                      age_distribution: str) -> Tuple[float, bool]:
    if age_distribution == 'uniform':
        boneage = rng.uniform(6.0, 216.0)
    elif age_distribution == 'rsna':
        boneage = float(np.clip(rng.normal(127.3, 41.2), 1.0, MAX_BONEAGE))
    else:
        raise ValueError(f'unknown age_distribution {age_distribution!r}, '
                         "expected 'uniform' or 'rsna'")
    male = bool(rng.random() < 0.5)
    return round(float(boneage), 1), male


def parse_img_size(img_size) -> Tuple[int, int]:
    """``(width, height)`` of an image size.

    Args:
        img_size (int | tuple | str): Side length (square), ``(width,
            height)`` or a string ``'256'`` / ``'320x256'`` (width x height).

    Returns:
        tuple[int, int]: ``(width, height)``, each >= 32.
    """
    if isinstance(img_size, str):
        parts = img_size.lower().split('x')
        if len(parts) not in (1, 2) or not all(p.strip().isdigit()
                                               for p in parts):
            raise ValueError(f'img_size must look like 256 or 320x256, got '
                             f'{img_size!r}')
        img_size = [int(p) for p in parts]
        if len(img_size) == 1:
            img_size = img_size[0]
    if isinstance(img_size, (tuple, list)):
        if len(img_size) != 2:
            raise ValueError(f'img_size must be an int or (width, height), '
                             f'got {img_size!r}')
        width, height = int(img_size[0]), int(img_size[1])
    else:
        width = height = int(img_size)
    if min(width, height) < 32:
        raise ValueError(f'img_size must be >= 32, got {img_size}')
    return width, height


def _size_for_json(img_size):
    """``img_size`` as stored in JSON: int when square, else [w, h]."""
    width, height = parse_img_size(img_size)
    return width if width == height else [width, height]


def resolve_v2_options(options: Optional[dict] = None) -> dict:
    """Complete and check the options of style ``'v2'``.

    Args:
        options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`.

    Returns:
        dict: Every option, as floats, in the order of the defaults.
    """
    options = dict(options or {})
    unknown = set(options) - set(DEFAULT_V2_OPTIONS)
    if unknown:
        raise ValueError(f'unknown v2 options {sorted(unknown)}, expected '
                         f'some of {list(DEFAULT_V2_OPTIONS)}')
    out = {}
    for key, default in DEFAULT_V2_OPTIONS.items():
        value = float(options.get(key, default))
        hi = 180.0 if key == 'max_rotation' else 1.0
        if not 0.0 <= value <= hi:
            raise ValueError(f'v2 option {key} must lie in [0, {hi:g}], got '
                             f'{value}')
        out[key] = value
    return out


def _check_style(style: str, v2_options: Optional[dict]) -> Optional[dict]:
    if style not in STYLES:
        raise ValueError(f'unknown style {style!r}, expected one of {STYLES}')
    if style == 'v1':
        if v2_options:
            raise ValueError("v2_options need style='v2'")
        return None
    return resolve_v2_options(v2_options)


def _draw_hand_jitter(rng: np.random.Generator) -> tuple:
    """Per-hand jitters: finger spread, ray angles / lengths, width, carpal
    appearance and epiphysis timing (in this order: v1's RNG stream)."""
    spread = rng.uniform(0.75, 1.35)
    ray_angle_jit = rng.normal(0.0, 2.5, len(_FINGERS))
    ray_len_jit = rng.normal(1.0, 0.03, len(_FINGERS))
    width_jit = rng.uniform(0.92, 1.08)
    carpal_jit = rng.normal(0.0, 1.0, len(_CARPALS)) * (
        3.0 + 0.06 * np.array([c[5] for c in _CARPALS]))
    epi_delay = rng.normal(0.0, 5.0, len(EPIPHYSIS_SITES))
    return spread, ray_angle_jit, ray_len_jit, width_jit, carpal_jit, epi_delay


def _hand_layout(m: float, jitter: tuple) -> dict:
    """Canonical-frame geometry of a hand at maturity ``m``."""
    spread, ray_angle_jit, ray_len_jit, width_jit, carpal_jit, _ = jitter

    # ---- carpal centres ---------------------------------------------------
    radii = carpal_radii_for_maturity(m, carpal_jit)
    carpal_extent = []
    carpal_polys = []
    for (name, ctr, r_full, aspect, ang, _), r in zip(_CARPALS, radii):
        carpal_extent.append(
            _ellipse_pts(ctr, r_full, r_full / aspect, ang, 16))
        if r > 0:
            b_ax = r / (1.0 + (aspect - 1.0) * min(1.0, r / r_full))
            carpal_polys.append((ctr, r, b_ax, ang))

    # ---- rays (metacarpal + phalanges) --------------------------------------
    bone_jobs = []  # (flat end, head end, width, epiphysis kind, site name)
    finger_tissue = []  # (p0, p1, r) capsules
    palm_pts = []
    for fi, finger in enumerate(_FINGERS):
        base, angle, (mc_len, mc_w), phalanges, bend = _RAYS[finger]
        base = np.array(base)
        ang = 1.0 + (angle - 1.0) * spread + ray_angle_jit[fi] * 0.5
        lf = ray_len_jit[fi]
        u = _unit(ang)
        w = mc_w * width_jit * _RAY_WIDTH_SCALE
        head = base + u * (mc_len * lf)
        bone_jobs.append((base, head, w, None, None))
        n = _perp(u)
        if finger == 'thumb':
            mid = base + u * (0.55 * mc_len * lf)
            palm_pts += [base + n * w * 1.3, base - n * w * 1.3,
                         mid + n * w * 1.35, mid - n * w * 1.35]
            finger_tissue.append((base + u * 0.4 * mc_len, head, w * 1.25))
        else:
            extra = 2.0 if finger == 'little' else 0.0
            palm_pts += [head + n * (w * 1.2 + extra), head - n * w * 1.2,
                         base + n * (w * 1.2 + extra), base - n * w * 1.2]
        p = head + u * _JOINT_GAP
        names = (('proximal_phalanx', 'distal_phalanx') if finger == 'thumb'
                 else _PHALANX_NAMES)
        prev = head - u * 2.0
        for j, ((length, pw), pname) in enumerate(zip(phalanges, names)):
            ang += bend + ray_angle_jit[fi] * 0.25
            u = _unit(ang)
            pw = pw * width_jit * _RAY_WIDTH_SCALE
            length = length * lf
            p_end = p + u * length
            flat = p + u * (_EPI_SHAFT_OFFSET * pw)
            site = f'{finger}_{pname}_epiphysis'
            bone_jobs.append((flat, p_end, pw, pname, site))
            tip = p_end + u * (0.45 * pw if j == len(phalanges) - 1 else 0.0)
            finger_tissue.append((prev, tip, pw * 1.05 + 1.0))
            prev = p_end
            p = p_end + u * _JOINT_GAP

    # ---- forearm bones ----------------------------------------------------
    for (joint, fw), kind in ((_RADIUS, 'radius'), (_ULNA, 'ulna')):
        joint = np.array(joint)
        w = fw * width_jit
        u = np.array([0.0, 1.0])  # from the joint towards the elbow
        flat = joint + u * (_EPI_SHAFT_OFFSET * w)
        end = np.array([joint[0] - 4.0 * (1 if kind == 'radius' else -1),
                        _FOREARM_END_Y])
        bone_jobs.append((flat, end, w, kind, f'{kind}_epiphysis'))

    # ---- soft tissue outline ------------------------------------------------
    rx, _ = _RADIUS[0]
    ux, _ = _ULNA[0]
    palm_pts += [
        np.array([ux - 16.0, 200.0]), np.array([rx + 22.0, 200.0]),
        np.array([ux - 20.0, _FOREARM_END_Y]),
        np.array([rx + 28.0, _FOREARM_END_Y])
    ]
    hull = cv2.convexHull(np.array(palm_pts, np.float32))[:, 0, :]
    return dict(carpal_extent=np.concatenate(carpal_extent),
                carpal_polys=carpal_polys, bone_jobs=bone_jobs,
                finger_tissue=finger_tissue, hull=hull)


def _paint_tissue(paint: _Painter, tissue: np.ndarray, layout: dict) -> None:
    paint.fill(tissue, layout['hull'].astype(np.float64), 255)
    for p0, p1, r in layout['finger_tissue']:
        paint.fill(tissue, _capsule_pts(p0, p1, r), 255)


def _hand_keep_points(layout: dict) -> np.ndarray:
    """Canonical points that outline a hand without its forearm (finger
    tips and the palm), used to keep it inside a collimation field."""
    pts = [p for p in layout['hull'].astype(np.float64) if p[1] <= 230.0]
    for p0, p1, r in layout['finger_tissue']:
        for q in (p0, p1):
            pts += [q + (r, 0.0), q - (r, 0.0), q + (0.0, r), q - (0.0, r)]
    return np.array(pts)


def _paint_bones(paint: _Painter, bone: np.ndarray, layout: dict, m: float,
                 epi_delay: np.ndarray, bone_d: float) -> List[dict]:
    """Draw bones, epiphyses and carpal centres; returns the informative
    boxes (order :data:`INFORMATIVE_BOX_NAMES`)."""
    boxes: List[dict] = []
    box, vis = paint.bbox(layout['carpal_extent'])
    boxes.append(dict(name='carpals', bbox=box, visible=vis))
    site_idx = {name: i for i, (name, _) in enumerate(EPIPHYSIS_SITES)}
    epi_boxes: Dict[str, Tuple[List[float], bool]] = {}
    for flat, head, w, kind, site in layout['bone_jobs']:
        outer, inner = _shaft_pts(flat, head, w, round_head=kind not in (
            'radius', 'ulna'))
        paint.fill(bone, outer, bone_d, convex=False)
        paint.fill(bone, inner, bone_d * 0.78)
        if kind is None:
            continue
        d = head - flat
        u = d / np.linalg.norm(d)
        n = _perp(u)
        st = epiphysis_state_for_maturity(m, kind, epi_delay[site_idx[site]])
        # Box: whole possible epiphysis + physis + metaphysis end.
        lo = _EPI_SHAFT_OFFSET + 0.15  # a bit beyond the joint point
        corners = np.array([
            flat - u * lo * w + n * 0.62 * w, flat - u * lo * w - n * 0.62 * w,
            flat + u * 0.45 * w + n * 0.62 * w,
            flat + u * 0.45 * w - n * 0.62 * w
        ])
        epi_boxes[site] = paint.bbox(corners)
        if not st['present']:
            continue
        gap, h = st['gap'] * w, st['height'] * w
        e_ctr = flat - u * (gap + h / 2)
        e_ang = math.degrees(math.atan2(n[1], n[0]))
        paint.fill(bone, _ellipse_pts(e_ctr, st['width_ratio'] * w / 2,
                                      h / 2, e_ang, 20), bone_d * 0.97)
        if st['fusion'] > 0:
            # Fusion bridges the physis: the gap fills with bone, leaving a
            # faint scar (0.95) once fully fused.
            band_w = min(st['width_ratio'], 1.0) * 0.48 * w
            band = np.array([
                flat + n * band_w, flat - n * band_w,
                flat - u * gap - n * band_w, flat - u * gap + n * band_w
            ])
            paint.fill(bone, band, bone_d * 0.95 * st['fusion'])
    for name, _ in EPIPHYSIS_SITES:
        box, vis = epi_boxes[name]
        boxes.append(dict(name=name, bbox=box, visible=vis))

    for ctr, r, b_ax, ang in layout['carpal_polys']:
        paint.fill(bone, _ellipse_pts(ctr, r, b_ax, ang, 20), bone_d * 0.95)
        if r > 3.0:
            paint.fill(bone, _ellipse_pts(ctr, r * 0.6, b_ax * 0.6, ang, 16),
                       bone_d * 0.8)
    return boxes


def _affine(lin: np.ndarray, pivot: np.ndarray,
            target: np.ndarray) -> np.ndarray:
    """(2, 3) affine ``x -> lin @ (x - pivot) + target``."""
    return np.concatenate([lin, (target - lin @ pivot)[:, None]], axis=1)


def render_phantom(index: int,
                   seed: int,
                   img_size=256,
                   boneage: Optional[float] = None,
                   male: Optional[bool] = None,
                   age_distribution: str = 'uniform',
                   style: str = 'v1',
                   v2_options: Optional[dict] = None) -> PhantomSample:
    """Render one synthetic hand radiograph.

    The result is a pure function of the arguments. Overriding ``boneage`` /
    ``male`` keeps all nuisance parameters (pose, contrast, noise ...) of the
    image ``(seed, index)``, which makes it easy to inspect age cues.

    Args:
        index (int): Image index (the image id in generated splits).
        seed (int): Seed; the RNG is ``np.random.default_rng([seed, index])``.
        img_size (int | tuple[int, int]): Output side length in pixels, or
            ``(width, height)``. Defaults to 256.
        boneage (float, optional): Bone age in months; drawn when None.
        male (bool, optional): Sex; drawn (p=0.5) when None.
        age_distribution (str): ``'uniform'`` (6-216 months) or ``'rsna'``
            (normal, mean 127.3, std 41.2, clipped to [1, 228]) for drawn
            ages. Defaults to ``'uniform'``.
        style (str): ``'v1'`` (default, unchanged output) or ``'v2'``
            (distractors, second hand, arbitrary rotation; see the module
            docstring).
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`
            (style ``'v2'`` only).

    Returns:
        PhantomSample: image (H, W) uint8, mask (H, W) bool, labels and
        informative boxes (and, for v2, every hand and the distractors).
    """
    opts = _check_style(style, v2_options)
    width, height = parse_img_size(img_size)
    rng = np.random.default_rng([int(seed), int(index)])
    drawn_age, drawn_male = _draw_age_and_sex(rng, age_distribution)
    boneage = drawn_age if boneage is None else float(boneage)
    male = drawn_male if male is None else bool(male)
    m = maturity_from_boneage(boneage, male)
    size = min(width, height)
    k = size / _CANON

    # ---- random parameters (fixed order: keep the stream stable) ----------
    jitter = _draw_hand_jitter(rng)
    scale_nuis = rng.uniform(0.85, 1.15)
    rot = rng.uniform(-20.0, 20.0)
    tx, ty = rng.uniform(-10.0, 10.0), rng.uniform(-8.0, 8.0)
    bg_level = rng.uniform(10.0, 35.0)
    bg_grad = rng.uniform(-8.0, 8.0)
    bg_grad_dir = rng.uniform(0.0, 2 * math.pi)
    t_edge = rng.uniform(64.0, 76.0)
    t_core = rng.uniform(92.0, 110.0)
    bone_d = rng.uniform(85.0, 110.0)
    contrast = rng.uniform(0.85, 1.15)
    brightness = rng.uniform(-8.0, 8.0)
    gamma = rng.uniform(0.8, 1.25)
    blur_sigma = rng.uniform(0.4, 1.0)
    noise_sigma = rng.uniform(2.0, 6.0)

    # ---- canonical -> image affine ----------------------------------------
    wide_rotation = False
    if opts is not None and opts['max_rotation'] != 20.0:
        rot = rot * (opts['max_rotation'] / 20.0)
        wide_rotation = opts['max_rotation'] > 20.0
    age_scale = 0.86 + 0.14 * (m / MAX_BONEAGE)**0.7
    s = 0.98 * scale_nuis * age_scale * k
    c, sn = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    offset = np.array([(width - size) / 2.0, (height - size) / 2.0])
    if wide_rotation:
        # Rotate about the centre of the informative region, which stays
        # near the image centre.
        hand_c = _WIDE_ROTATION_PIVOT
        target = np.array([128.0 + 0.5 * tx, 128.0 + 0.5 * ty]) * k + offset
    else:
        hand_c = np.array([130.0, 150.0])
        target = np.array([128.0 + tx, 152.0 + ty]) * k + offset
    lin = s * np.array([[c, -sn], [sn, c]])
    matrix = _affine(lin, hand_c, target)
    paint = _Painter(matrix, (width, height))

    tissue = np.zeros((height, width), np.uint8)
    bone = np.zeros((height, width), np.uint8)
    layout = _hand_layout(m, jitter)
    _paint_tissue(paint, tissue, layout)
    boxes = _paint_bones(paint, bone, layout, m, jitter[5], bone_d)

    scene = None
    mask = tissue >= 128
    tissue_all, mask_all = tissue, mask
    if opts is not None:
        scene = _V2Scene(seed, index, opts, (width, height), k, paint,
                         layout, mask, boxes, boneage, male, rot, scale_nuis,
                         bone, bone_d)
        if scene.tissue2 is not None:
            tissue_all = np.maximum(tissue, scene.tissue2)
            mask_all = tissue_all >= 128

    # ---- compose ------------------------------------------------------------
    cov = tissue_all.astype(np.float32) * (1.0 / 255.0)
    dist = cv2.distanceTransform(mask_all.astype(np.uint8), cv2.DIST_L2, 3)
    tissue_val = t_core - (t_core - t_edge) * np.exp(
        dist * np.float32(-1.0 / (7.0 * s)))
    ramp_x, ramp_y = _centred_ramp(width), _centred_ramp(height)
    bg = (np.float32(bg_level) +
          np.float32(bg_grad * math.cos(bg_grad_dir)) * ramp_x[None, :] +
          np.float32(bg_grad * math.sin(bg_grad_dir)) * ramp_y[:, None])
    img = bg + (tissue_val - bg) * cov + bone.astype(np.float32)
    img = img * np.float32(contrast) + np.float32(brightness)
    np.clip(img, 0.0, 255.0, out=img)
    img = np.float32(255.0) * (img * np.float32(1.0 / 255.0))**np.float32(
        gamma)
    if scene is not None:
        # Objects in the beam (collimation, lead markers, rulers) are blurred
        # and noisy like the anatomy ...
        scene.apply_physical(img)
    img = cv2.GaussianBlur(img, (0, 0), blur_sigma * max(k, 0.5))
    img += rng.standard_normal((height, width),
                               dtype=np.float32) * np.float32(noise_sigma)
    if scene is not None:
        # ... burned-in text and frames are crisp.
        scene.apply_overlay(img)
    image = np.clip(np.rint(img), 0, 255).astype(np.uint8)

    primary = dict(primary=True, mask=mask, boneage=float(boneage), male=male,
                   maturity=m, mirrored=False, informative_boxes=boxes)
    hands = [primary]
    extra = {}
    if scene is not None:
        primary['mask'] = mask = scene.visible(mask)
        if scene.second is not None:
            second = dict(scene.second)
            second['mask'] = scene.visible(second['mask'])
            hands.append(second)
        extra = dict(distractor_boxes=scene.records,
                     distractor_mask=scene.distractor_mask,
                     skipped_distractors=scene.skipped)

    return PhantomSample(
        image=image,
        mask=mask,
        boneage=float(boneage),
        male=male,
        informative_boxes=boxes,
        maturity=m,
        index=int(index),
        seed=int(seed),
        style=style,
        hands=hands,
        **extra)


# --------------------------------------------------------------------------
# Style v2: distractors.
# --------------------------------------------------------------------------

#: Rotation pivot (canonical) for ``max_rotation`` > 20: the centre of the
#: region spanned by the informative boxes.
_WIDE_ROTATION_PIVOT = np.array([140.0, 126.0])
#: Sub-stream ids: default_rng([seed, index, _V2_STREAM, k]).
_V2_STREAM = 2
_STREAM_IDS = {name: i + 1 for i, name in enumerate(DISTRACTOR_NAMES)}
#: Offsets (canonical px, in the primary hand's frame) of the second hand's
#: centre: towards the little finger / towards the thumb.
_SECOND_HAND_DX = {-1: (125.0, 170.0), 1: (170.0, 215.0)}
#: Smallest visible part of a second hand (fraction of the image).
_SECOND_HAND_MIN_AREA = 0.025
_NUM_CANDIDATES = 16


def _box_region_map(boxes: Sequence[dict], width: int,
                    height: int) -> np.ndarray:
    """Pixels touched by boxes ``[x1, y1, x2, y2]`` (bool (H, W))."""
    out = np.zeros((height, width), bool)
    for b in boxes:
        x1, y1, x2, y2 = b['bbox']
        out[int(math.floor(y1)):int(math.ceil(y2)),
            int(math.floor(x1)):int(math.ceil(x2))] = True
    return out


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)


def _xyxy(mask: np.ndarray) -> List[float]:
    x, y, w, h = _mask_bbox(mask)
    return [x, y, x + w, y + h]


class _V2Scene:
    """Second hand and distractors of one v2 image.

    Built after the primary hand is drawn (its tissue mask and informative
    boxes are known); paints the second hand's bones into ``bone``, keeps
    its tissue in ``tissue2`` and the distractor layers for
    :meth:`apply_physical` (before blur and noise) and
    :meth:`apply_overlay` (after).
    """

    def __init__(self, seed, index, opts, size, k, paint, layout, mask, boxes,
                 boneage, male, rot, scale_nuis, bone, bone_d):
        self.width, self.height = width, height = size
        self.size = min(width, height)
        self.k = k
        self.margin = max(2, int(math.ceil(3.0 * k)))
        self.records: List[dict] = []
        self.skipped: List[str] = []
        self.tissue2 = None
        self.second = None
        self.field = None
        self.physical = _dx.Overlay(height, width)
        self.overlay = _dx.Overlay(height, width)

        def stream(name):
            return np.random.default_rng(
                [int(seed), int(index), _V2_STREAM, _STREAM_IDS[name]])

        u = np.random.default_rng([int(seed), int(index), _V2_STREAM,
                                   0]).random(len(DISTRACTOR_NAMES))
        present = {name: bool(u[i] < opts[f'p_{name}'])
                   for i, name in enumerate(DISTRACTOR_NAMES)}
        box_map = _box_region_map(boxes, width, height)

        if present['collimation']:
            keep = paint.to_image(_hand_keep_points(layout)) + 0.5
            keep_boxes = [b['bbox'] for b in boxes] + [
                [x, y, x, y] for x, y in keep]
            self.field = _dx.collimation_field(stream('collimation'), width,
                                               height, keep_boxes,
                                               self.margin + 1.0)
            if self.field is None:
                self.skipped.append('collimation')
            else:
                poly = [round(float(v), 2)
                        for v in self.field['polygon'].reshape(-1)]
                for b in self.field['boxes']:
                    self.records.append(dict(
                        name='collimation', bbox=b, polygon=poly,
                        outside=self.field['outside']))
        self.outside = (self.field['coverage'] < 128 if self.field is not None
                        else np.zeros((height, width), bool))

        mask2 = None
        if present['second_hand']:
            mask2 = self._second_hand(
                stream('second_hand'), opts, paint, mask, box_map, boneage,
                male, rot, scale_nuis, bone, bone_d)
            if mask2 is None:
                self.skipped.append('second_hand')

        blocked = mask | box_map
        if mask2 is not None:
            blocked |= mask2
        if present['frame']:
            self._frame(stream('frame'), box_map, blocked)
        if present['ruler']:
            self._ruler(stream('ruler'), blocked)
        if present['marker']:
            rng = stream('marker')
            side = rng.uniform(0.06, 0.10) * self.size
            patch, info = _dx.marker_patch(rng, int(round(side)))
            self._place('marker', rng, patch, info, blocked, physical=True)
        if present['tag']:
            rng = stream('tag')
            n_tags = 1 + int(rng.random() < 0.4)
            for _ in range(n_tags):
                ch = max(3.0, rng.uniform(0.025, 0.045) * self.size)
                patch, info = _dx.tag_patch(rng, ch)
                self._place('tag', rng, patch, info, blocked, physical=False)

        self.distractor_mask = (self.physical.covered()
                                | self.overlay.covered() | self.outside)
        if self.second is not None:  # final visible extent (frame cut)
            for r in self.records:
                if r['name'] == 'second_hand':
                    r['bbox'] = _xyxy(self.visible(self.second['mask']))

    # ---- second hand --------------------------------------------------------
    def _second_hand(self, rng, opts, paint, mask, box_map, boneage, male,
                     rot, scale_nuis, bone, bone_d) -> Optional[np.ndarray]:
        width, height = self.width, self.height
        same_age = bool(rng.random() < opts['second_hand_same_age'])
        other_ages = rng.uniform(6.0, 216.0, 8)
        other_male = bool(rng.random() < 0.5)
        jitter = _draw_hand_jitter(rng)
        n_cand = 8
        sides = np.where(rng.random(n_cand) < 0.5, -1, 1)
        cu = rng.random((n_cand, 4))
        if same_age:
            age2, male2 = float(boneage), bool(male)
        else:
            far = [a for a in other_ages if abs(a - boneage) >= 36.0]
            age2 = far[0] if far else (216.0 if boneage < 111.0 else 6.0)
            age2, male2 = round(float(age2), 1), other_male
        m2 = maturity_from_boneage(age2, male2)
        layout2 = _hand_layout(m2, jitter)
        age_scale2 = 0.86 + 0.14 * (m2 / MAX_BONEAGE)**0.7
        near_primary = _dilate(mask | box_map, self.margin)
        inside = ~self.outside
        min_area = _SECOND_HAND_MIN_AREA * width * height
        hand_c = np.array([130.0, 150.0])
        mirror = np.diag([-1.0, 1.0])
        outline = [layout2['hull'].astype(np.float64)] + [
            _capsule_pts(p0, p1, r) for p0, p1, r in layout2['finger_tissue']]
        for side, (a, b, c, d) in zip(sides, cu):
            lo, hi = _SECOND_HAND_DX[int(side)]
            dx = side * (lo + (hi - lo) * a)
            dy = -25.0 + 50.0 * b
            drot = -12.0 + 24.0 * c
            dscale = 0.95 + 0.1 * d
            centre = paint.to_image((hand_c + [dx, dy])[None])[0]
            r2 = math.radians(rot + drot)
            s2 = 0.98 * scale_nuis * dscale * age_scale2 * self.k
            lin = s2 * np.array([[math.cos(r2), -math.sin(r2)],
                                 [math.sin(r2), math.cos(r2)]]) @ mirror
            paint2 = _Painter(_affine(lin, hand_c, centre), (width, height))
            tissue2 = np.zeros((height, width), np.uint8)
            for pts in outline:  # as _paint_tissue
                paint2.fill(tissue2, pts, 255)
            mask2 = tissue2 >= 128
            if (mask2 & near_primary).any():
                continue
            if np.count_nonzero(mask2 & inside) < min_area:
                continue
            boxes2 = _paint_bones(paint2, bone, layout2, m2, jitter[5],
                                  bone_d)
            self.tissue2 = tissue2
            self.second = dict(primary=False, mask=mask2, boneage=age2,
                               male=male2, maturity=m2, mirrored=True,
                               informative_boxes=boxes2)
            vis = mask2 & inside
            self.records.append(dict(name='second_hand', bbox=_xyxy(vis),
                                     boneage=age2, same_age=same_age))
            return mask2
        return None

    # ---- frame, ruler, markers, tags ----------------------------------------
    def _frame(self, rng, box_map, blocked) -> None:
        width, height = self.width, self.height
        f = max(1, int(round(rng.uniform(0.008, 0.03) * self.size)))
        value = rng.uniform(200.0, 255.0)
        ys, xs = np.nonzero(box_map)
        if len(xs):
            room = min(xs.min(), ys.min(), width - 1 - xs.max(),
                       height - 1 - ys.max()) - self.margin
            f = min(f, int(room))
        if f < 1:
            self.skipped.append('frame')
            return
        strips = ((0, 0, width, f), (0, height - f, width, height),
                  (0, f, f, height - f), (width - f, f, width, height - f))
        for x0, y0, x1, y1 in strips:
            self.overlay.fill_rect(x0, y0, x1, y1, value)
            blocked[y0:y1, x0:x1] = True
            self.records.append(dict(name='frame', bbox=[float(x0), float(y0),
                                                         float(x1),
                                                         float(y1)]))

    def _ruler(self, rng, blocked) -> None:
        width, height, size = self.width, self.height, self.size
        rw = max(3, int(round(rng.uniform(0.035, 0.06) * size)))
        spacing = rng.uniform(0.018, 0.03) * size
        u = rng.random((_NUM_CANDIDATES, 4))
        cands = []
        for i, (a, b, c, d) in enumerate(u):
            edge = int(a * 4) % 4
            vertical = edge >= 2
            edge_len = height if vertical else width
            frac = (0.25 + 0.45 * b) * (1.0 - 0.04 * i)  # shorter later
            length = int(round(frac * edge_len))
            length = max(4, min(length, edge_len))
            pos = int(round(c * (edge_len - length)))
            inset = int(round((0.005 + 0.035 * d) * size))
            if edge == 0:
                box = (pos, inset, length, rw)
            elif edge == 1:
                box = (pos, height - inset - rw, length, rw)
            elif edge == 2:
                box = (inset, pos, rw, length)
            else:
                box = (width - inset - rw, pos, rw, length)
            cands.append(box)
        found = _dx.first_free(cands, (blocked | self.outside, blocked),
                               self.margin)
        if found is None:
            self.skipped.append('ruler')
            return
        x0, y0, w, h = found
        patch, info = _dx.ruler_patch(rng, max(w, h), min(w, h), spacing,
                                      vertical=h > w)
        self._commit('ruler', x0, y0, patch, info, blocked, physical=True)

    def _place(self, name, rng, patch, info, blocked, physical) -> None:
        ph, pw = patch[0].shape
        anchors = _dx.edge_anchor_candidates(rng, _NUM_CANDIDATES, pw, ph,
                                             self.width, self.height,
                                             self.size)
        cands = [(x, y, pw, ph) for x, y in anchors]
        maps = (blocked | self.outside, blocked) if physical else (blocked, )
        found = _dx.first_free(cands, maps, self.margin)
        if found is None:
            self.skipped.append(name)
            return
        self._commit(name, found[0], found[1], patch, info, blocked,
                     physical)

    def _commit(self, name, x0, y0, patch, info, blocked, physical) -> None:
        ph, pw = patch[0].shape
        (self.physical if physical else self.overlay).paste(x0, y0, patch)
        blocked[y0:y0 + ph, x0:x0 + pw] = True
        self.records.append(dict(name=name, bbox=[float(x0), float(y0),
                                                  float(x0 + pw),
                                                  float(y0 + ph)], **info))

    # ---- compositing -------------------------------------------------------
    def apply_physical(self, img: np.ndarray) -> None:
        if self.field is not None:
            f = self.field['coverage'].astype(np.float32) * np.float32(
                1.0 / 255.0)
            img *= f
            img += (1.0 - f) * np.float32(self.field['value'])
        self.physical.apply(img)

    def apply_overlay(self, img: np.ndarray) -> None:
        self.overlay.apply(img)

    def visible(self, mask: np.ndarray) -> np.ndarray:
        """A hand's geometric mask restricted to its visible pixels."""
        return mask & ~self.distractor_mask


# --------------------------------------------------------------------------
# COCO helpers and dataset writing.
# --------------------------------------------------------------------------


def mask_to_polygons(mask: np.ndarray,
                     epsilon: float = 0.5) -> List[List[float]]:
    """COCO polygons of a binary mask, at full precision.

    :func:`baa_mm.datasets.hand_masks.mask_to_coco_polygons` (traced on the
    2x upsampled mask so vertices lie on pixel boundaries; pycocotools
    reproduces the mask with IoU ~0.996) without rounding, as the phantom
    files have always been written.

    Args:
        mask (np.ndarray): Binary mask of shape (H, W).
        epsilon (float): Simplification tolerance in pixels (0: none).

    Returns:
        list[list[float]]: Polygons ``[x1, y1, x2, y2, ...]``.
    """
    return _hm.mask_to_coco_polygons(mask, epsilon, ndigits=None)


_mask_bbox = _hm.mask_bbox


_PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]


#: v2 masks smaller than this (pixels) are traced without simplification:
#: thin slivers (a second hand at the border, 64 px images) would lose
#: several % of their area to ``approxPolyDP``.
_EXACT_POLYGON_AREA = 4096


def _hand_annotation(hand: dict) -> dict:
    area = int(np.count_nonzero(hand['mask']))
    eps = 0.0 if area < _EXACT_POLYGON_AREA else 0.5
    return dict(
        segmentation=mask_to_polygons(hand['mask'], eps),
        bbox=_mask_bbox(hand['mask']),
        area=area,
        primary=bool(hand['primary']),
        mirrored=bool(hand['mirrored']),
        boneage=float(hand['boneage']),
        male=bool(hand['male']),
        informative_boxes=hand['informative_boxes'])


def _render_record(job: tuple) -> dict:
    """Render, save and describe one image (runs in worker processes).

    ``job``: ``(id, seed, img_size, img_dir, age_distribution[, style,
    v2_options])``.
    """
    img_id, seed, img_size, img_dir, age_distribution = job[:5]
    style, v2_options = job[5:7] if len(job) > 5 else ('v1', None)
    sample = render_phantom(img_id, seed, img_size,
                            age_distribution=age_distribution, style=style,
                            v2_options=v2_options)
    ok, buf = cv2.imencode('.png', sample.image, _PNG_PARAMS)
    if not ok:
        raise RuntimeError(f'failed to encode phantom {img_id}')
    with open(osp.join(img_dir, f'{img_id}.png'), 'wb') as f:
        f.write(buf.tobytes())
    if style != 'v1':
        hands = [_hand_annotation(h) for h in sample.hands]
        return dict(id=img_id, boneage=sample.boneage, male=sample.male,
                    informative_boxes=sample.informative_boxes, hands=hands,
                    distractor_boxes=sample.distractor_boxes)
    return dict(
        id=img_id,
        boneage=sample.boneage,
        male=sample.male,
        segmentation=mask_to_polygons(sample.mask),
        bbox=_mask_bbox(sample.mask),
        area=int(np.count_nonzero(sample.mask)),
        informative_boxes=sample.informative_boxes)


def _map_jobs(jobs: List[tuple], num_workers: int) -> List[dict]:
    if num_workers < 0:
        num_workers = os.cpu_count() or 1
    if num_workers <= 1 or len(jobs) < 2:
        return [_render_record(j) for j in jobs]
    # 'fork' keeps this working when the module was loaded by file path
    # (spawned children could not import it by name); results do not depend
    # on the worker count because each image has its own RNG.
    # OpenCV's thread pool is not fork safe (calling into it from a forked
    # child can dead-lock), so it is shut down (1 thread) in the parent
    # while the workers are forked and used, and restored afterwards.
    method = 'fork' if 'fork' in mp.get_all_start_methods() else None
    ctx = mp.get_context(method)
    chunk = max(1, min(32, len(jobs) // (4 * num_workers)))
    prev_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        with ctx.Pool(num_workers) as pool:
            return list(pool.imap(_render_record, jobs, chunksize=chunk))
    finally:
        cv2.setNumThreads(prev_threads)


def _split_paths(root: str, split: str) -> Dict[str, str]:
    return dict(
        img_dir=osp.join(root, split),
        csv=osp.join(root, f'{split}.csv'),
        ann_file=osp.join(root, 'annotations', f'{split}_hand_masks.json'))


def generate_phantom_split(root: str,
                           split: str,
                           num_images: int,
                           img_size: int = 256,
                           seed: int = 0,
                           id_offset: int = 0,
                           num_workers: int = 0,
                           age_distribution: str = 'uniform',
                           style: str = 'v1',
                           v2_options: Optional[dict] = None) -> dict:
    """Write one split of phantoms in the RSNA-like layout.

    Layout under ``root``::

        <split>/<id>.png                       8-bit grayscale images
        <split>.csv                            header ``id,boneage,male``
        annotations/<split>_hand_masks.json    COCO instances (hand masks)

    The COCO file has one category ``{id: 1, name: 'hand'}`` and one
    annotation per image (``id = image id + 1``) with polygon
    ``segmentation``, ``bbox`` [x, y, w, h], ``area`` (pixel count of the exact
    mask) and ``iscrowd`` 0. Every image entry *and* its annotation also
    carry ``boneage``, ``male`` and ``informative_boxes`` (list of
    ``{'name', 'bbox': [x1, y1, x2, y2], 'visible'}``).

    Style ``'v2'``: one annotation per hand, the primary hand first (ids
    ``2 * image id + 1``, ``2 * image id + 2``), each with its exact visible
    mask, ``primary`` (bool), ``mirrored``, ``boneage`` / ``male`` *of that
    hand* and its ``informative_boxes``. The image entry carries the label
    (``boneage``, ``male`` of the primary hand, as in the CSV), the primary's
    ``informative_boxes`` and ``distractor_boxes`` (list of ``{'name',
    'bbox': [x1, y1, x2, y2], ...}``, see :data:`DISTRACTOR_NAMES`); ``info``
    records ``style`` and ``v2_options``.

    Args:
        root (str): Output root, e.g. ``'data/phantom'``.
        split (str): Split name, e.g. ``'train'``.
        num_images (int): Number of images.
        img_size (int): Image side length. Defaults to 256.
        seed (int): Seed. Image ``id`` uses ``default_rng([seed, id])``.
        id_offset (int): First image id. Defaults to 0.
        num_workers (int): Worker processes (0: in-process, -1: all cores).
            The output does not depend on it.
        age_distribution (str): ``'uniform'`` or ``'rsna'``.
        style (str): ``'v1'`` (default) or ``'v2'``.
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`.

    Returns:
        dict: ``split``, ``num_images``, ``img_dir``, ``csv``, ``ann_file``,
        ``seconds`` and the generation arguments.
    """
    t0 = time.perf_counter()
    opts = _check_style(style, v2_options)
    width, height = parse_img_size(img_size)
    paths = _split_paths(root, split)
    os.makedirs(paths['img_dir'], exist_ok=True)
    os.makedirs(osp.dirname(paths['ann_file']), exist_ok=True)
    if opts is None:
        jobs = [(id_offset + i, seed, img_size, paths['img_dir'],
                 age_distribution) for i in range(num_images)]
    else:
        jobs = [(id_offset + i, seed, img_size, paths['img_dir'],
                 age_distribution, style, opts) for i in range(num_images)]
    records = _map_jobs(jobs, num_workers)

    with open(paths['csv'], 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['id', 'boneage', 'male'])
        for r in records:
            writer.writerow([r['id'], f"{r['boneage']:.1f}", str(r['male'])])

    images, annotations = [], []
    for r in records:
        extra = dict(boneage=r['boneage'], male=r['male'],
                     informative_boxes=r['informative_boxes'])
        if opts is None:
            images.append(dict(id=r['id'], file_name=f"{r['id']}.png",
                               width=width, height=height, **extra))
            annotations.append(dict(id=r['id'] + 1, image_id=r['id'],
                                    category_id=1,
                                    segmentation=r['segmentation'],
                                    area=r['area'], bbox=r['bbox'],
                                    iscrowd=0, **extra))
            continue
        images.append(dict(id=r['id'], file_name=f"{r['id']}.png",
                           width=width, height=height, **extra,
                           distractor_boxes=r['distractor_boxes']))
        for j, hand in enumerate(r['hands']):
            annotations.append(dict(
                id=2 * r['id'] + 1 + j, image_id=r['id'], category_id=1,
                segmentation=hand['segmentation'], area=hand['area'],
                bbox=hand['bbox'], iscrowd=0, primary=hand['primary'],
                mirrored=hand['mirrored'], boneage=hand['boneage'],
                male=hand['male'],
                informative_boxes=hand['informative_boxes']))
    info = dict(description=f'baa_mm synthetic hand phantoms ({split})',
                version=GENERATOR_VERSION, seed=seed,
                img_size=_size_for_json(img_size))
    if opts is not None:
        info.update(style=style, style_version=STYLE_VERSIONS[style],
                    v2_options=opts)
    coco = dict(
        info=info,
        licenses=[],
        images=images,
        annotations=annotations,
        categories=[dict(id=1, name='hand', supercategory='hand')])
    tmp = paths['ann_file'] + '.tmp'
    with open(tmp, 'w') as f:
        # json.dumps (C encoder) is several times faster than json.dump.
        f.write(json.dumps(coco, separators=(',', ':')))
    os.replace(tmp, paths['ann_file'])

    return dict(split=split, num_images=num_images, img_size=img_size,
                seed=seed, id_offset=id_offset,
                age_distribution=age_distribution, style=style,
                seconds=round(time.perf_counter() - t0, 3), **paths)


#: Per split: (id offset, seed offset).
_SPLITS = {'train': (0, 0), 'val': (100000, 1), 'test': (200000, 2)}


def _dataset_meta(seed: int, sizes: Dict[str, int], img_size,
                  age_distribution: str, opts: Optional[dict] = None) -> dict:
    meta = dict(generator_version=GENERATOR_VERSION, seed=seed, sizes=sizes,
                img_size=_size_for_json(img_size),
                age_distribution=age_distribution,
                id_offsets={s: _SPLITS[s][0] for s in sizes})
    if opts is not None:  # v1 meta stays as it always was
        meta.update(style='v2', style_version=STYLE_VERSIONS['v2'],
                    v2_options=opts)
    return meta


def _dataset_complete(root: str, meta: dict) -> bool:
    meta_file = osp.join(root, 'meta.json')
    if not osp.isfile(meta_file):
        return False
    try:
        with open(meta_file) as f:
            if json.load(f) != meta:
                return False
    except (OSError, ValueError):
        return False
    for split, n in meta['sizes'].items():
        paths = _split_paths(root, split)
        if not (osp.isfile(paths['csv']) and osp.isfile(paths['ann_file'])):
            return False
        start = _SPLITS[split][0]
        present = set(os.listdir(paths['img_dir'])) if osp.isdir(
            paths['img_dir']) else set()
        if any(f'{start + i}.png' not in present for i in range(n)):
            return False
    return True


def generate_phantom_dataset(root: str,
                             num_train: int = 800,
                             num_val: int = 100,
                             num_test: int = 100,
                             img_size: int = 256,
                             seed: int = 0,
                             num_workers: int = 0,
                             age_distribution: str = 'uniform',
                             force: bool = False,
                             style: str = 'v1',
                             v2_options: Optional[dict] = None) -> dict:
    """Generate the train / val / test phantom splits (idempotent).

    Splits use ids starting at 0 / 100000 / 200000 and seeds ``seed``,
    ``seed + 1``, ``seed + 2``. ``<root>/meta.json`` records the arguments;
    if it matches and every expected file exists, nothing is regenerated.

    Args:
        root (str): Output root, e.g. ``'data/phantom'``.
        num_train (int): Training images. Defaults to 800.
        num_val (int): Validation images. Defaults to 100.
        num_test (int): Test images. Defaults to 100.
        img_size (int): Image side length. Defaults to 256.
        seed (int): Base seed. Defaults to 0.
        num_workers (int): Worker processes (0: in-process, -1: all cores).
        age_distribution (str): ``'uniform'`` or ``'rsna'``.
        force (bool): Regenerate even if the data are up to date.
        style (str): ``'v1'`` (default) or ``'v2'``; v2 adds ``style``,
            ``style_version`` and the resolved ``v2_options`` to
            ``meta.json``.
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`.

    Returns:
        dict: ``root``, ``meta_file``, ``skipped`` (bool), ``seconds`` and
        ``splits`` (split name -> summary of :func:`generate_phantom_split`,
        or its paths when skipped).
    """
    t0 = time.perf_counter()
    sizes = dict(train=int(num_train), val=int(num_val), test=int(num_test))
    opts = _check_style(style, v2_options)
    meta = _dataset_meta(seed, sizes, img_size, age_distribution, opts)
    meta_file = osp.join(root, 'meta.json')
    if not force and _dataset_complete(root, meta):
        return dict(root=root, meta_file=meta_file, skipped=True,
                    seconds=round(time.perf_counter() - t0, 3),
                    splits={s: _split_paths(root, s) for s in sizes})
    os.makedirs(root, exist_ok=True)
    if osp.exists(meta_file):
        os.remove(meta_file)  # incomplete until all splits are written
    splits = {}
    for split, n in sizes.items():
        id_offset, seed_offset = _SPLITS[split]
        splits[split] = generate_phantom_split(
            root, split, n, img_size=img_size, seed=seed + seed_offset,
            id_offset=id_offset, num_workers=num_workers,
            age_distribution=age_distribution, style=style,
            v2_options=opts)
    with open(meta_file, 'w') as f:
        json.dump(meta, f, indent=2)
    return dict(root=root, meta_file=meta_file, skipped=False,
                seconds=round(time.perf_counter() - t0, 3), splits=splits)


if __name__ == '__main__':  # pragma: no cover - quick visual check
    out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/phantom_grid.png'
    grid_style = sys.argv[2] if len(sys.argv) > 2 else 'v1'
    tiles = []
    for i, age in enumerate(np.linspace(6, 216, 16)):
        tiles.append(render_phantom(i, 0, 256, boneage=float(age),
                                    style=grid_style).image)
    rows = [np.concatenate(tiles[r * 4:(r + 1) * 4], axis=1) for r in range(4)]
    cv2.imwrite(out, np.concatenate(rows, axis=0))
    print(out)
