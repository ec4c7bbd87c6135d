"""Render one phantom: :func:`render_phantom`.

Steps: draw the label and the nuisance parameters from the image's random
stream, pose the hand (canonical -> image affine), paint tissue and bones,
add the style-v2 scene, compose the radiograph (float32 (H, W)), blur, add
noise and quantise to uint8 (H, W). See ``docs/phantom.md``.
"""
from __future__ import annotations

import functools
import math
from typing import NamedTuple, Optional, Tuple

import cv2
import numpy as np

from .anatomy import CANON, HAND_PIVOT, WIDE_ROTATION_PIVOT
from .geometry import affine
from .hand import draw_hand_jitter, hand_layout, paint_bones, paint_tissue
from .maturity import (draw_age_and_sex, maturity_from_boneage,
                       size_factor_for_maturity)
from .options import ImgSize, check_style, parse_img_size
from .painter import Painter
from .sample import PhantomSample
from .scene_v2 import V2Scene
from .second_hand import PrimaryHand


class Nuisance(NamedTuple):
    """Per-image nuisance parameters (in the order they are drawn)."""
    scale: float  #: global scale factor
    rot: float  #: rotation [deg]
    tx: float  #: translation x (canonical px)
    ty: float  #: translation y (canonical px)
    bg_level: float  #: background intensity
    bg_grad: float  #: background gradient amplitude
    bg_grad_dir: float  #: background gradient direction [rad]
    t_edge: float  #: tissue intensity at its edge
    t_core: float  #: tissue intensity in its core
    bone_d: float  #: bone intensity
    contrast: float
    brightness: float
    gamma: float
    blur_sigma: float  #: Gaussian blur sigma at 256 px
    noise_sigma: float  #: Gaussian noise sigma


def _draw_nuisance(rng: np.random.Generator) -> Nuisance:
    scale = rng.uniform(0.85, 1.15)
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
    return Nuisance(scale, rot, tx, ty, bg_level, bg_grad, bg_grad_dir,
                    t_edge, t_core, bone_d, contrast, brightness, gamma,
                    blur_sigma, noise_sigma)


def _pose(nuis: Nuisance, m: float, width: int, height: int,
          max_rotation: Optional[float]) -> Tuple[Painter, float, float]:
    """Canonical -> image painter of the primary hand.

    Returns:
        tuple: ``(painter, scale, rotation)``; ``scale`` is image pixels per
        canonical pixel, ``rotation`` (degrees) includes ``max_rotation``.
    """
    size = min(width, height)
    k = size / CANON
    rot = nuis.rot
    wide_rotation = False
    if max_rotation is not None and max_rotation != 20.0:
        rot = rot * (max_rotation / 20.0)
        wide_rotation = max_rotation > 20.0
    s = 0.98 * nuis.scale * size_factor_for_maturity(m) * k
    c, sn = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    offset = np.array([(width - size) / 2.0, (height - size) / 2.0])
    if wide_rotation:
        # Rotate about the centre of the informative region, which stays
        # near the image centre.
        pivot = np.array(WIDE_ROTATION_PIVOT)
        target = np.array([128.0 + 0.5 * nuis.tx, 128.0 + 0.5 * nuis.ty
                           ]) * k + offset
    else:
        pivot = np.array(HAND_PIVOT)
        target = np.array([128.0 + nuis.tx, 152.0 + nuis.ty]) * k + offset
    lin = s * np.array([[c, -sn], [sn, c]])
    return Painter(affine(lin, pivot, target), (width, height)), s, rot


@functools.lru_cache(maxsize=8)
def _centred_ramp(size: int) -> np.ndarray:
    """Pixel coordinates / size - 0.5, shape (size,), float32."""
    ramp = np.arange(size, dtype=np.float32) / np.float32(size) - 0.5
    ramp.flags.writeable = False
    return ramp


def _compose(tissue: np.ndarray, bone: np.ndarray, nuis: Nuisance,
             s: float) -> np.ndarray:
    """Radiograph before blur and noise, float32 (H, W).

    Args:
        tissue (np.ndarray): Soft-tissue coverage of every hand, uint8 (H, W).
        bone (np.ndarray): Bone intensity, uint8 (H, W).
        nuis (Nuisance): The image's nuisance parameters.
        s (float): Image pixels per canonical pixel.
    """
    height, width = tissue.shape
    cov = tissue.astype(np.float32) * (1.0 / 255.0)
    dist = cv2.distanceTransform((tissue >= 128).astype(np.uint8),
                                 cv2.DIST_L2, 3)
    tissue_val = nuis.t_core - (nuis.t_core - nuis.t_edge) * np.exp(
        dist * np.float32(-1.0 / (7.0 * s)))
    ramp_x, ramp_y = _centred_ramp(width), _centred_ramp(height)
    gx = np.float32(nuis.bg_grad * math.cos(nuis.bg_grad_dir))
    gy = np.float32(nuis.bg_grad * math.sin(nuis.bg_grad_dir))
    bg = (np.float32(nuis.bg_level) + gx * ramp_x[None, :] +
          gy * ramp_y[:, None])
    img = bg + (tissue_val - bg) * cov + bone.astype(np.float32)
    img = img * np.float32(nuis.contrast) + np.float32(nuis.brightness)
    np.clip(img, 0.0, 255.0, out=img)
    return np.float32(255.0) * (img * np.float32(1.0 / 255.0))**np.float32(
        nuis.gamma)


def _expose(img: np.ndarray, nuis: Nuisance, k: float,
            rng: np.random.Generator,
            scene: Optional[V2Scene]) -> np.ndarray:
    """Blur, noise and v2 layers of a composed image; uint8 (H, W)."""
    if scene is not None:
        # Objects in the beam (collimation, lead markers, rulers) are blurred
        # and noisy like the anatomy ...
        scene.apply_physical(img)
    img = cv2.GaussianBlur(img, (0, 0), nuis.blur_sigma * max(k, 0.5))
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(
        nuis.noise_sigma)
    if scene is not None:
        # ... burned-in text and frames are crisp.
        scene.apply_overlay(img)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def render_phantom(index: int,
                   seed: int,
                   img_size: ImgSize = 256,
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
            (distractors, second hand, arbitrary rotation; see
            ``docs/phantom.md``).
        v2_options (dict, optional): Overrides of :data:`DEFAULT_V2_OPTIONS`
            (style ``'v2'`` only).

    Returns:
        PhantomSample: image (H, W) uint8, mask (H, W) bool, labels and
        informative boxes (and, for v2, every hand and the distractors).
    """
    opts = check_style(style, v2_options)
    width, height = parse_img_size(img_size)
    rng = np.random.default_rng([int(seed), int(index)])
    drawn_age, drawn_male = draw_age_and_sex(rng, age_distribution)
    boneage = drawn_age if boneage is None else float(boneage)
    male = drawn_male if male is None else bool(male)
    m = maturity_from_boneage(boneage, male)
    k = min(width, height) / CANON
    # Fixed draw order (jitter, then nuisance): keeps the stream stable.
    jitter = draw_hand_jitter(rng)
    nuis = _draw_nuisance(rng)
    paint, s, rot = _pose(nuis, m, width, height,
                          None if opts is None else opts['max_rotation'])

    tissue = np.zeros((height, width), np.uint8)
    bone = np.zeros((height, width), np.uint8)
    layout = hand_layout(m, jitter)
    paint_tissue(paint, tissue, layout)
    boxes = paint_bones(paint, bone, layout, m, jitter.epi_delay,
                        nuis.bone_d)
    mask = tissue >= 128
    primary = dict(primary=True, mask=mask, boneage=float(boneage), male=male,
                   maturity=m, mirrored=False, informative_boxes=boxes)
    common = dict(boneage=float(boneage), male=male, informative_boxes=boxes,
                  maturity=m, index=int(index), seed=int(seed), style=style)
    if opts is None:
        image = _expose(_compose(tissue, bone, nuis, s), nuis, k, rng, None)
        return PhantomSample(image=image, mask=mask, hands=[primary],
                             **common)

    scene = V2Scene(seed, index, opts, (width, height), k,
                    PrimaryHand(paint, layout, mask, boxes, boneage, male,
                                rot, nuis.scale), bone, nuis.bone_d)
    if scene.tissue2 is not None:
        tissue = np.maximum(tissue, scene.tissue2)
    image = _expose(_compose(tissue, bone, nuis, s), nuis, k, rng, scene)
    hands = scene.visible_hands(primary)
    return PhantomSample(image=image, mask=hands[0]['mask'], hands=hands,
                         distractor_boxes=scene.records,
                         distractor_mask=scene.distractor_mask,
                         skipped_distractors=scene.skipped, **common)
