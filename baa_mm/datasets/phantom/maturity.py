"""Labels (bone age, sex) and the age cues driven by the maturity.

The maturity ``m`` (months) is the bone age, 15 % higher for girls; it
drives the carpal ossification centres, the epiphyses and the hand size.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from .anatomy import CARPALS

#: Largest bone age / maturity in months (RSNA labels lie in [1, 228]).
MAX_BONEAGE = 228.0
#: Maturity multiplier for girls (they mature earlier).
FEMALE_MATURITY_FACTOR = 1.15
#: Maturity at which every carpal centre reaches its full radius.
CARPAL_FULL_MATURITY = 192.0
#: Radius (canonical px) of a carpal centre when it first appears.
CARPAL_MIN_RADIUS = 1.5
#: Epiphysis kinetics (maturity in months, sizes relative to shaft width):
#: appear, fuse_start, fuse_end, gap (unfused, young), gap (just before
#: fusion), height (young), height (mature), width ratio (young), width ratio
#: (mature).
EPI_KINETICS = {
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
EPI_FULL_MATURITY = 156.0


def draw_age_and_sex(rng: np.random.Generator,
                     age_distribution: str) -> Tuple[float, bool]:
    """Draw a label: bone age (months, 1 decimal) and sex (p=0.5).

    Args:
        rng (np.random.Generator): The image's random stream.
        age_distribution (str): ``'uniform'`` (6-216 months) or ``'rsna'``
            (normal(127.3, 41.2) clipped to [1, 228]).

    Returns:
        tuple[float, bool]: ``(boneage, male)``.
    """
    if age_distribution == 'uniform':
        boneage = rng.uniform(6.0, 216.0)
    elif age_distribution == 'rsna':
        boneage = float(np.clip(rng.normal(127.3, 41.2), 1.0, MAX_BONEAGE))
    else:
        raise ValueError(f'unknown age_distribution {age_distribution!r}, '
                         "expected 'uniform' or 'rsna'")
    male = bool(rng.random() < 0.5)
    return round(float(boneage), 1), male


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


def size_factor_for_maturity(maturity: float) -> float:
    """Growth of the hand with maturity: x0.86 (newborn) to x1.0 (228)."""
    return 0.86 + 0.14 * (maturity / MAX_BONEAGE)**0.7


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
    radii = np.zeros(len(CARPALS), dtype=np.float64)
    for i, (_, _, r_full, _, _, appear) in enumerate(CARPALS):
        if appear_jitter is not None:
            appear = max(0.5, appear + float(appear_jitter[i]))
        if maturity < appear:
            continue
        t = min(1.0, (maturity - appear) /
                max(CARPAL_FULL_MATURITY - appear, 1.0))
        radii[i] = CARPAL_MIN_RADIUS + (r_full - CARPAL_MIN_RADIUS) * t**0.75
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
     r1) = EPI_KINETICS[kind]
    m = maturity - delay
    if m < appear:
        return dict(present=0.0, width_ratio=0.0, height=0.0, gap=gap0,
                    fusion=0.0)
    t = min(1.0, (m - appear) / (EPI_FULL_MATURITY - appear))
    t_gap = min(1.0, (m - appear) / (fuse_start - appear))
    fusion = float(np.clip((m - fuse_start) / (fuse_end - fuse_start), 0, 1))
    return dict(
        present=1.0,
        width_ratio=r0 + (r1 - r0) * t**0.8,
        height=h0 + (h1 - h0) * t**0.8,
        gap=gap0 + (gap1 - gap0) * t_gap,
        fusion=fusion)
