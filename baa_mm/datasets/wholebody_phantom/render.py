"""Render one whole-body CT bone phantom: :func:`render_wholebody_phantom`.

Steps: draw the nuisance and the individual variation from the random
stream (fixed draw counts), derive the age cues (:mod:`.aging`) and the body
plan, place the body in the image, paint soft tissue and bones (spine, thorax,
skull, pelvis, arms, legs: later shapes cover earlier ones), then expose
(:func:`~.nuisance.expose`) into a 16-bit image.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from .aging import age_state
from .body_plan import body_plan
from .canvas import Canvas
from .head import draw_head
from .labels import parse_sex
from .limbs import draw_arms, draw_legs
from .nuisance import draw_nuisance, draw_table, expose
from .options import (DEFAULT_IMG_SIZE, ImgSize, parse_img_size,
                      resolve_options)
from .pelvis import draw_pelvis
from .pose import limb_layout, pose_matrix
from .spine import draw_spine
from .thorax import draw_thorax
from .tissue import draw_tissue
from .tones import bone_tones
from .variation import draw_variation, fracture_factors

__all__ = ['render_wholebody_phantom', 'body_box']

Seed = Union[int, Sequence[int]]


def body_box(tissue: np.ndarray) -> Optional[list]:
    """``[x1, y1, x2, y2]`` of the soft tissue (coverage >= 50 %), None if
    there is none in the image."""
    mask = (tissue >= 128).view(np.uint8)
    if not mask.any():
        return None
    x, y, w, h = cv2.boundingRect(mask)
    return [float(x), float(y), float(x + w), float(y + h)]


def render_wholebody_phantom(
        age: float,
        sex: str,
        rng: Optional[np.random.Generator] = None,
        seed: Optional[Seed] = None,
        img_size: ImgSize = DEFAULT_IMG_SIZE,
        **opts) -> Tuple[np.ndarray, dict]:
    """Render a frontal whole-body CT bone image of a person.

    The image is a pure function of ``(age, sex, the random stream, img_size,
    opts)``. The stream is consumed in a fixed order and amount (nuisance,
    individual variation, then noise), so one seed rendered at two ages
    differs only in the age cues (and the body size that goes with them).

    Args:
        age (float): Age in years (0-120).
        sex (str): ``'F'`` / ``'female'`` or ``'M'`` / ``'male'``.
        rng (np.random.Generator, optional): The random stream (consumed).
        seed (int | Sequence[int], optional): Used when ``rng`` is None:
            ``np.random.default_rng(seed)`` (default 0).
        img_size (int | tuple[int, int] | str): ``(width, height)``.
            Defaults to (128, 384).
        **opts: Overrides of :data:`~.options.DEFAULT_OPTIONS` (``p_crop``,
            ``max_crop``, ``arm_pose_probs``, ``p_table``, ``max_rotation``,
            ``max_shift``, ``fov_adapt``).

    Returns:
        tuple[np.ndarray, dict]: The image, uint16 (H, W), and ``dict(
        boxes=[dict(category, site, bbox)], body_bbox=[x1, y1, x2, y2],
        age, sex, arms, crop, px_per_cm)``: boxes (image pixels, COCO
        convention, clipped to the image) of the informative structures that
        are in the image; ``crop`` is None or ``dict(side='top' |
        'bottom', fraction)``.
    """
    age = float(age)
    if not 0.0 <= age <= 120.0:
        raise ValueError(f'age must lie in [0, 120] years, got {age}')
    sex = parse_sex(sex)
    opts = resolve_options(opts)
    width, height = parse_img_size(img_size)
    if rng is None:
        rng = np.random.default_rng(0 if seed is None else seed)
    nuis = draw_nuisance(rng, opts)
    var = draw_variation(rng)
    st = age_state(age, sex == 'F', var.tempo, var.bmd_factor)
    plan = body_plan(st, fracture_factors(var, st))
    cv = Canvas(pose_matrix(plan, nuis, width, height, opts['fov_adapt']),
                (width, height))
    layout = limb_layout(plan, nuis)
    tones = bone_tones(st)
    draw_tissue(cv, plan, layout)
    draw_spine(cv, plan, tones, var)
    draw_thorax(cv, plan, tones, var)
    draw_head(cv, plan, tones)
    draw_pelvis(cv, plan, tones, var)
    draw_arms(cv, plan, layout, tones)
    draw_legs(cv, plan, layout, tones)
    image = expose(cv.bone, cv.tissue, draw_table(nuis, width, height), nuis,
                   rng)
    crop = (dict(side=nuis.crop, fraction=round(nuis.crop_frac, 4))
            if nuis.crop else None)
    return image, dict(boxes=cv.boxes, body_bbox=body_box(cv.tissue),
                       age=age, sex=sex, arms=nuis.arms, crop=crop,
                       px_per_cm=round(cv.ppc, 4))
