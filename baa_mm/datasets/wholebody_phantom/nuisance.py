"""Nuisance of the phantoms (independent of age and sex): pose, arms,
crop, scanner table and exposure (contrast, gamma, blur, noise)."""
from __future__ import annotations

import math
from typing import NamedTuple, Optional

import cv2
import numpy as np

from .options import ARM_POSES

__all__ = ['Nuisance', 'draw_nuisance', 'draw_table', 'expose']


class Nuisance(NamedTuple):
    """Per-image nuisance parameters (in the order they are drawn)."""
    rotation: float  #: degrees
    shift_x: float  #: fraction of the width
    shift_y: float  #: fraction of the height
    scale: float  #: global scale factor
    arms: str  #: one of :data:`~.options.ARM_POSES`
    arm_u: float  #: arm angle within its pose's range, [0, 1)
    bend_u: float  #: elbow bend within its pose's range, [0, 1)
    leg_angle: float  #: leg abduction, degrees
    crop: Optional[str]  #: None, 'top' (head cut) or 'bottom' (feet cut)
    crop_frac: float  #: fraction of the body height outside the image
    table: bool  #: draw the scanner-table line
    table_y: float  #: its height, fraction of the image height
    table_tilt: float  #: degrees
    table_curve: float  #: sag, fraction of the image height
    table_level: float  #: intensity (0-1)
    background: float
    tissue_level: float
    bone_gain: float
    contrast: float
    brightness: float
    gamma: float
    blur: float  #: Gaussian sigma in pixels at width 128
    noise: float  #: Gaussian noise sigma (0-1 intensities)


def draw_nuisance(rng: np.random.Generator, opts: dict) -> Nuisance:
    """Draw the nuisance of one image (a fixed number of draws).

    Args:
        rng (np.random.Generator): The image's rendering stream.
        opts (dict): Resolved options (:func:`~.options.resolve_options`).
    """
    u = rng.random(22)
    arms = ARM_POSES[min(int(np.searchsorted(
        np.cumsum(opts['arm_pose_probs']), u[4], side='right')), 2)]
    crop = None
    if u[8] < opts['p_crop']:
        crop = 'top' if u[9] < 0.5 else 'bottom'
    return Nuisance(
        rotation=(2 * u[0] - 1) * opts['max_rotation'],
        shift_x=(2 * u[1] - 1) * opts['max_shift'],
        shift_y=(2 * u[2] - 1) * opts['max_shift'],
        scale=0.96 + 0.08 * u[3], arms=arms, arm_u=float(u[5]),
        bend_u=float(u[6]), leg_angle=-1.0 + 4.0 * u[7], crop=crop,
        crop_frac=float(u[10] * opts['max_crop']) if crop else 0.0,
        table=bool(u[11] < opts['p_table']), table_y=0.1 + 0.8 * u[12],
        table_tilt=-4.0 + 8.0 * u[13], table_curve=-0.03 + 0.06 * u[14],
        table_level=0.03 + 0.05 * u[15], background=0.03 * u[16],
        tissue_level=0.05 + 0.10 * u[17], bone_gain=0.82 + 0.18 * u[18],
        contrast=0.9 + 0.2 * u[19], brightness=-0.03 + 0.06 * u[20],
        gamma=0.8 + 0.45 * u[21], blur=0.35 + 0.45 * rng.random(),
        noise=0.004 + 0.016 * rng.random())


def draw_table(nuis: Nuisance, width: int, height: int) -> np.ndarray:
    """The scanner-table line (a faint, tilted, slightly curved band behind
    the body), uint8 coverage (H, W); zeros without a table."""
    layer = np.zeros((height, width), np.uint8)
    if not nuis.table:
        return layer
    x = np.linspace(-0.1 * width, 1.1 * width, 13)
    rel = (x - width / 2) / (width / 2)
    y = (nuis.table_y * height + math.tan(math.radians(nuis.table_tilt)) *
         (x - width / 2) + nuis.table_curve * height * rel**2)
    pts = np.round(np.stack([x, y], axis=1) * 16).astype(np.int32)
    thick = max(1, int(round(0.004 * height)))
    cv2.polylines(layer, [pts], False, 255, thick, cv2.LINE_AA, 4)
    return layer


def expose(bone: np.ndarray, tissue: np.ndarray, table: np.ndarray,
           nuis: Nuisance, rng: np.random.Generator) -> np.ndarray:
    """Compose the layers into the 16-bit image.

    Maximum-intensity composition (as in a bone MIP) of soft tissue, table
    and bone over the background, then blur, contrast, brightness, gamma
    and Gaussian noise (the last draws of the image's stream).

    Returns:
        np.ndarray: uint16 (H, W).
    """
    height, width = bone.shape
    img = np.maximum(tissue.astype(np.float32) * np.float32(
        nuis.tissue_level / 255.0), table.astype(np.float32) * np.float32(
            nuis.table_level / 255.0))
    np.maximum(img, bone.astype(np.float32) * np.float32(
        nuis.bone_gain / 255.0), out=img)
    img += np.float32(nuis.background)
    img = cv2.GaussianBlur(img, (0, 0), nuis.blur * max(width / 128.0, 0.5))
    img = img * np.float32(nuis.contrast) + np.float32(nuis.brightness)
    np.clip(img, 0.0, 1.0, out=img)
    img **= np.float32(nuis.gamma)
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(
        nuis.noise)
    np.clip(img, 0.0, 1.0, out=img)
    return np.rint(img * np.float32(65535.0)).astype(np.uint16)
