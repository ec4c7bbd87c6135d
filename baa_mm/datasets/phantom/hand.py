"""One hand: per-hand jitter, canonical layout and painting.

A hand is laid out in the canonical frame (see :mod:`.anatomy`) and painted
through a :class:`~.painter.Painter`: the soft tissue (coverage, uint8
(H, W)) and the bones, epiphyses and carpal centres (intensity, uint8
(H, W)).
"""
from __future__ import annotations

import math
from typing import List, NamedTuple, Tuple

import cv2
import numpy as np

from .anatomy import (CARPALS, EPI_SHAFT_OFFSET, EPIPHYSIS_SITES, FINGERS,
                      FOREARM_END_Y, JOINT_GAP, RADIUS, RAY_WIDTH_SCALE, RAYS,
                      ULNA, phalanx_names)
from .geometry import capsule_pts, ellipse_pts, perp, shaft_pts, unit
from .maturity import carpal_radii_for_maturity, epiphysis_state_for_maturity
from .painter import Painter

#: Bone job: (flat end (2,), head end (2,), width, epiphysis kind or None,
#: site name or None).
BoneJob = Tuple[np.ndarray, np.ndarray, float, object, object]
#: Soft-tissue capsule: (p0 (2,), p1 (2,), radius).
Capsule = Tuple[np.ndarray, np.ndarray, float]


class HandJitter(NamedTuple):
    """Per-hand jitters (the fields in the order they are drawn)."""
    spread: float  #: finger spread factor
    ray_angle: np.ndarray  #: ray angle offsets [deg], shape (5,)
    ray_len: np.ndarray  #: ray length factors, shape (5,)
    width: float  #: bone width factor
    carpal_appear: np.ndarray  #: carpal appearance shifts [months], (8,)
    epi_delay: np.ndarray  #: epiphysis timeline shifts [months], (16,)


class HandLayout(NamedTuple):
    """Canonical-frame geometry of one hand."""
    carpal_extent: np.ndarray  #: full-size carpal outlines, (N, 2)
    carpal_polys: list  #: (centre, a, b, angle) of ossified centres
    bone_jobs: List[BoneJob]  #: shafts, metacarpals first per ray
    finger_tissue: List[Capsule]  #: soft tissue of the fingers
    hull: np.ndarray  #: palm + forearm outline, float32 (N, 2)


def draw_hand_jitter(rng: np.random.Generator) -> HandJitter:
    """Draw the jitters of one hand (in this order: v1's RNG stream)."""
    spread = rng.uniform(0.75, 1.35)
    ray_angle = rng.normal(0.0, 2.5, len(FINGERS))
    ray_len = rng.normal(1.0, 0.03, len(FINGERS))
    width = rng.uniform(0.92, 1.08)
    carpal_appear = rng.normal(0.0, 1.0, len(CARPALS)) * (
        3.0 + 0.06 * np.array([c[5] for c in CARPALS]))
    epi_delay = rng.normal(0.0, 5.0, len(EPIPHYSIS_SITES))
    return HandJitter(spread, ray_angle, ray_len, width, carpal_appear,
                      epi_delay)


# --------------------------------------------------------------------------
# Layout.
# --------------------------------------------------------------------------


def _lay_out_carpals(m: float, jitter: HandJitter) -> Tuple[np.ndarray, list]:
    radii = carpal_radii_for_maturity(m, jitter.carpal_appear)
    extent, polys = [], []
    for (_, ctr, r_full, aspect, ang, _), r in zip(CARPALS, radii):
        extent.append(ellipse_pts(ctr, r_full, r_full / aspect, ang, 16))
        if r > 0:
            b_ax = r / (1.0 + (aspect - 1.0) * min(1.0, r / r_full))
            polys.append((ctr, r, b_ax, ang))
    return np.concatenate(extent), polys


def _palm_points(finger: str, base: np.ndarray, head: np.ndarray,
                 u: np.ndarray, w: float, mc_len: float,
                 lf: float) -> Tuple[list, List[Capsule]]:
    """Palm outline points around a metacarpal (and the thumb's tissue)."""
    n = perp(u)
    if finger == 'thumb':
        mid = base + u * (0.55 * mc_len * lf)
        return [base + n * w * 1.3, base - n * w * 1.3, mid + n * w * 1.35,
                mid - n * w * 1.35], [(base + u * 0.4 * mc_len, head,
                                       w * 1.25)]
    extra = 2.0 if finger == 'little' else 0.0
    return [head + n * (w * 1.2 + extra), head - n * w * 1.2,
            base + n * (w * 1.2 + extra), base - n * w * 1.2], []


def _lay_out_phalanges(finger: str, head: np.ndarray, u: np.ndarray,
                       ang: float, step: float, lf: float,
                       width_jit: float) -> Tuple[List[BoneJob],
                                                  List[Capsule]]:
    """Phalanges of a ray that starts at the metacarpal ``head``."""
    phalanges = RAYS[finger][3]
    jobs, tissue = [], []
    p = head + u * JOINT_GAP
    prev = head - u * 2.0
    for j, ((length, pw), pname) in enumerate(
            zip(phalanges, phalanx_names(finger))):
        ang += step
        u = unit(ang)
        pw = pw * width_jit * RAY_WIDTH_SCALE
        length = length * lf
        p_end = p + u * length
        flat = p + u * (EPI_SHAFT_OFFSET * pw)
        jobs.append((flat, p_end, pw, pname, f'{finger}_{pname}_epiphysis'))
        tip = p_end + u * (0.45 * pw if j == len(phalanges) - 1 else 0.0)
        tissue.append((prev, tip, pw * 1.05 + 1.0))
        prev = p_end
        p = p_end + u * JOINT_GAP
    return jobs, tissue


def _lay_out_ray(fi: int, finger: str, jitter: HandJitter
                 ) -> Tuple[List[BoneJob], List[Capsule], list]:
    """Bone jobs, tissue capsules and palm points of one ray."""
    base, angle, (mc_len, mc_w), _, bend = RAYS[finger]
    base = np.array(base)
    ang = 1.0 + (angle - 1.0) * jitter.spread + jitter.ray_angle[fi] * 0.5
    lf = jitter.ray_len[fi]
    u = unit(ang)
    w = mc_w * jitter.width * RAY_WIDTH_SCALE
    head = base + u * (mc_len * lf)
    palm, tissue = _palm_points(finger, base, head, u, w, mc_len, lf)
    jobs, phalanx_tissue = _lay_out_phalanges(
        finger, head, u, ang, bend + jitter.ray_angle[fi] * 0.25, lf,
        jitter.width)
    return [(base, head, w, None, None)] + jobs, tissue + phalanx_tissue, palm


def _forearm_jobs(width_jit: float) -> List[BoneJob]:
    jobs = []
    for (joint, fw), kind in ((RADIUS, 'radius'), (ULNA, 'ulna')):
        joint = np.array(joint)
        w = fw * width_jit
        u = np.array([0.0, 1.0])  # from the joint towards the elbow
        flat = joint + u * (EPI_SHAFT_OFFSET * w)
        end = np.array([joint[0] - 4.0 * (1 if kind == 'radius' else -1),
                        FOREARM_END_Y])
        jobs.append((flat, end, w, kind, f'{kind}_epiphysis'))
    return jobs


def _tissue_hull(palm_pts: list) -> np.ndarray:
    """Convex hull of the palm points and the forearm, float32 (N, 2)."""
    rx, _ = RADIUS[0]
    ux, _ = ULNA[0]
    palm_pts = palm_pts + [
        np.array([ux - 16.0, 200.0]), np.array([rx + 22.0, 200.0]),
        np.array([ux - 20.0, FOREARM_END_Y]),
        np.array([rx + 28.0, FOREARM_END_Y])
    ]
    return cv2.convexHull(np.array(palm_pts, np.float32))[:, 0, :]


def hand_layout(m: float, jitter: HandJitter) -> HandLayout:
    """Canonical-frame geometry of a hand at maturity ``m`` (months)."""
    carpal_extent, carpal_polys = _lay_out_carpals(m, jitter)
    bone_jobs, finger_tissue, palm_pts = [], [], []
    for fi, finger in enumerate(FINGERS):
        jobs, tissue, palm = _lay_out_ray(fi, finger, jitter)
        bone_jobs += jobs
        finger_tissue += tissue
        palm_pts += palm
    bone_jobs += _forearm_jobs(jitter.width)
    return HandLayout(carpal_extent, carpal_polys, bone_jobs, finger_tissue,
                      _tissue_hull(palm_pts))


def tissue_outline(layout: HandLayout) -> List[np.ndarray]:
    """Soft-tissue polygons (N, 2) of a hand: palm hull, then fingers."""
    return [layout.hull.astype(np.float64)] + [
        capsule_pts(p0, p1, r) for p0, p1, r in layout.finger_tissue
    ]


def keep_points(layout: HandLayout) -> np.ndarray:
    """Canonical points (N, 2) that outline a hand without its forearm
    (finger tips and the palm), used to keep it inside a collimation
    field."""
    pts = [p for p in layout.hull.astype(np.float64) if p[1] <= 230.0]
    for p0, p1, r in layout.finger_tissue:
        for q in (p0, p1):
            pts += [q + (r, 0.0), q - (r, 0.0), q + (0.0, r), q - (0.0, r)]
    return np.array(pts)


# --------------------------------------------------------------------------
# Painting.
# --------------------------------------------------------------------------


def paint_tissue(paint: Painter, tissue: np.ndarray,
                 layout: HandLayout) -> None:
    """Paint the soft-tissue coverage (255 inside) into uint8 (H, W)."""
    for pts in tissue_outline(layout):
        paint.fill(tissue, pts, 255)


def _paint_epiphysis(paint: Painter, bone: np.ndarray, flat: np.ndarray,
                     head: np.ndarray, w: float, st: dict,
                     bone_d: float) -> Tuple[List[float], bool]:
    """Paint the epiphysis (and fusion) at the flat end of a shaft; returns
    the site's box (whole possible epiphysis + physis + metaphysis end)."""
    d = head - flat
    u = d / np.linalg.norm(d)
    n = perp(u)
    lo = EPI_SHAFT_OFFSET + 0.15  # a bit beyond the joint point
    corners = np.array([
        flat - u * lo * w + n * 0.62 * w, flat - u * lo * w - n * 0.62 * w,
        flat + u * 0.45 * w + n * 0.62 * w, flat + u * 0.45 * w - n * 0.62 * w
    ])
    box = paint.bbox(corners)
    if not st['present']:
        return box
    gap, h = st['gap'] * w, st['height'] * w
    e_ctr = flat - u * (gap + h / 2)
    e_ang = math.degrees(math.atan2(n[1], n[0]))
    paint.fill(bone, ellipse_pts(e_ctr, st['width_ratio'] * w / 2, h / 2,
                                 e_ang, 20), bone_d * 0.97)
    if st['fusion'] > 0:
        # Fusion bridges the physis: the gap fills with bone, leaving a
        # faint scar (0.95) once fully fused.
        band_w = min(st['width_ratio'], 1.0) * 0.48 * w
        band = np.array([
            flat + n * band_w, flat - n * band_w,
            flat - u * gap - n * band_w, flat - u * gap + n * band_w
        ])
        paint.fill(bone, band, bone_d * 0.95 * st['fusion'])
    return box


def _paint_carpals(paint: Painter, bone: np.ndarray, layout: HandLayout,
                   bone_d: float) -> None:
    for ctr, r, b_ax, ang in layout.carpal_polys:
        paint.fill(bone, ellipse_pts(ctr, r, b_ax, ang, 20), bone_d * 0.95)
        if r > 3.0:
            paint.fill(bone, ellipse_pts(ctr, r * 0.6, b_ax * 0.6, ang, 16),
                       bone_d * 0.8)


def paint_bones(paint: Painter, bone: np.ndarray, layout: HandLayout,
                m: float, epi_delay: np.ndarray,
                bone_d: float) -> List[dict]:
    """Paint bones, epiphyses and carpal centres into uint8 (H, W).

    Args:
        paint (Painter): Canonical -> image painter.
        bone (np.ndarray): Bone intensity canvas, uint8 (H, W).
        layout (HandLayout): The hand.
        m (float): Maturity in months.
        epi_delay (np.ndarray): Epiphysis timeline shifts, shape (16,).
        bone_d (float): Bone intensity.

    Returns:
        list[dict]: Informative boxes ``{'name', 'bbox', 'visible'}`` in the
        order of :data:`~.anatomy.INFORMATIVE_BOX_NAMES`.
    """
    box, vis = paint.bbox(layout.carpal_extent)
    boxes = [dict(name='carpals', bbox=box, visible=vis)]
    site_idx = {name: i for i, (name, _) in enumerate(EPIPHYSIS_SITES)}
    epi_boxes = {}
    for flat, head, w, kind, site in layout.bone_jobs:
        outer, inner = shaft_pts(flat, head, w, round_head=kind not in (
            'radius', 'ulna'))
        paint.fill(bone, outer, bone_d, convex=False)
        paint.fill(bone, inner, bone_d * 0.78)
        if kind is None:
            continue
        st = epiphysis_state_for_maturity(m, kind, epi_delay[site_idx[site]])
        epi_boxes[site] = _paint_epiphysis(paint, bone, flat, head, w, st,
                                           bone_d)
    for name, _ in EPIPHYSIS_SITES:
        box, vis = epi_boxes[name]
        boxes.append(dict(name=name, bbox=box, visible=vis))
    _paint_carpals(paint, bone, layout, bone_d)
    return boxes
