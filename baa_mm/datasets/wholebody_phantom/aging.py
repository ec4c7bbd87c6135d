"""Age curves: how each anatomical cue of the phantom changes with age.

All functions take the age in years and the sex (``female``: bool) and are
smooth, deterministic and vectorisable over ``age``. ``tempo`` (years) is a
per-image maturity offset: the growth plates of an image with tempo +1 close
as if the person were one year older.
"""
from __future__ import annotations

import math
from typing import Dict, NamedTuple

import numpy as np

__all__ = [
    'PHYSIS_CLOSURE', 'MALE_PHYSIS_DELAY', 'AgeState', 'age_state',
    'smoothstep', 'stature_cm', 'infant_weight', 'puberty_weight',
    'physis_openness', 'epiphysis_scale', 'iliac_apophysis',
    'bone_density', 'vertebral_height', 'disc_height',
    'fracture_probability', 'osteophyte_probability', 'osteophyte_size',
    'cartilage_calcification', 'symphysis_surface', 'neck_shaft_angle'
]

#: Growth-plate closure (female start, female end) in years; males close
#: :data:`MALE_PHYSIS_DELAY` years later. Before ``start`` the plate
#: narrows slowly (openness 1 -> 0.75), then closes linearly.
PHYSIS_CLOSURE = {
    'humerus_proximal': (13.5, 16.5),
    'femur_distal': (13.5, 16.5),
    'tibia_proximal': (13.0, 16.0),
    'femur_head': (12.5, 15.5),
    'iliac_crest': (16.0, 21.0),
}
MALE_PHYSIS_DELAY = 2.0
#: Stature (cm) at these ages, girls and boys (roughly WHO / CDC medians).
_STATURE_AGES = (0.0, 0.7, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0,
                 18.0, 20.0)
_STATURE_F = (50., 69., 74., 86., 102., 115., 127., 138., 151., 160., 162.,
              163., 163.)
_STATURE_M = (50., 70., 76., 88., 103., 116., 128., 139., 149., 163., 172.,
              175., 176.)


def smoothstep(a: float, b: float, x):
    """0 below ``a``, 1 above ``b``, cubic in between."""
    t = np.clip((np.asarray(x, np.float64) - a) / (b - a), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def stature_cm(age, female: bool):
    """Standing height (cm) before the senile loss of vertebral height."""
    return np.interp(age, _STATURE_AGES, _STATURE_F if female else _STATURE_M)


def infant_weight(age):
    """1 at birth -> 0 in adults: blends infant into adult proportions
    (large head, short legs)."""
    return np.exp(-np.asarray(age, np.float64) / 4.0)


def puberty_weight(age):
    """0 before 9 -> 1 after 16 years: how much adult sex dimorphism
    (shoulders, pelvis, bone width) shows."""
    return smoothstep(9.0, 16.0, age)


def physis_openness(age, female: bool, site: str, tempo: float = 0.0):
    """Openness of a growth plate: ~1 in young children, 0 when fused.

    Args:
        age: Age (years).
        female (bool): Girls close earlier.
        site (str): A key of :data:`PHYSIS_CLOSURE`.
        tempo (float): Maturity offset (years) of the image.
    """
    start, end = PHYSIS_CLOSURE[site]
    if not female:
        start, end = start + MALE_PHYSIS_DELAY, end + MALE_PHYSIS_DELAY
    a = np.asarray(age, np.float64) + tempo
    before = 1.0 - 0.25 * np.clip(a / start, 0.0, 1.0)
    closing = 0.75 * np.clip((end - a) / (end - start), 0.0, 1.0)
    return np.where(a < start, before, closing)


def epiphysis_scale(age):
    """Epiphysis size relative to an adult's: 0.45 at birth -> 1 at 12."""
    return np.clip(0.45 + 0.55 * np.asarray(age, np.float64) / 12.0, 0.45,
                   1.0)


def iliac_apophysis(age, female: bool, tempo: float = 0.0):
    """Iliac crest apophysis (Risser): ``(ossified, openness)``.

    ``ossified`` is the fraction of the crest covered by the apophysis (it
    appears laterally and spreads medially, 12-15 years in girls, 1.5 years
    later in boys); ``openness`` its gap to the crest (fusion 16-21 / 18-23
    years).
    """
    a = np.asarray(age, np.float64) + tempo + (0.0 if female else -1.5)
    ossified = np.clip((a - 12.0) / 3.0, 0.0, 1.0)
    return ossified, physis_openness(age, female, 'iliac_crest', tempo)


def bone_density(age, female: bool):
    """Relative bone mineral density (1.0 = peak, reached at ~30 years).

    Rises from 0.5 at birth, stays at the peak until the 40s, then falls:
    women lose ~0.4 %/year from 42, ~1.6 %/year 50-60 (menopause), 0.8
    %/year after; men ~0.15 %/year from 40 and 0.45 %/year after 55.
    """
    a = np.asarray(age, np.float64)
    growth = (1.0 - 0.5 * np.exp(-np.minimum(a, 30.0) / 8.0)) / (
        1.0 - 0.5 * math.exp(-30.0 / 8.0))
    if female:
        loss = (0.004 * np.clip(a - 42.0, 0.0, 8.0) +
                0.016 * np.clip(a - 50.0, 0.0, 10.0) +
                0.008 * np.clip(a - 60.0, 0.0, None))
    else:
        loss = (0.0015 * np.clip(a - 40.0, 0.0, None) +
                0.003 * np.clip(a - 55.0, 0.0, None))
    return np.maximum(growth - loss, 0.4)


def vertebral_height(age, female: bool):
    """Vertebral body height relative to a young adult's (senile loss,
    faster in women after 52)."""
    a = np.asarray(age, np.float64)
    loss = 0.0035 * np.clip(a - 45.0, 0.0, None)
    if female:
        loss = loss + 0.003 * np.clip(a - 52.0, 0.0, None)
    return 1.0 - np.minimum(loss, 0.3)


def disc_height(age):
    """Intervertebral disc height relative to a young adult's."""
    a = np.asarray(age, np.float64)
    return 1.0 - np.minimum(0.005 * np.clip(a - 35.0, 0.0, None), 0.35)


def fracture_probability(age, female: bool):
    """Probability of a compression fracture per thoracolumbar vertebra."""
    p = 0.045 * np.clip((np.asarray(age, np.float64) - 55.0) / 25.0, 0.0,
                        1.5)
    return p * (1.6 if female else 1.0)


def osteophyte_probability(age):
    """Probability of a spur at each lumbar vertebral corner (~2 % at 30,
    ~30 % at 52, ~80 % at 75)."""
    return 0.85 / (1.0 + np.exp(-(np.asarray(age, np.float64) - 57.0) / 7.0))


def osteophyte_size(age):
    """Spur length factor (1 = the longest spur of an 80-year-old)."""
    return 0.35 + 0.65 * np.clip((np.asarray(age, np.float64) - 40.0) / 40.0,
                                 0.0, 1.0)


def cartilage_calcification(age):
    """Expected fraction of the costal-cartilage calcification specks that
    are present (0 before ~28, 0.5 at ~55, ~1 at 80)."""
    t = np.clip((np.asarray(age, np.float64) - 28.0) / 52.0, 0.0, 1.0)
    return t**1.1


def symphysis_surface(age):
    """Pubic symphysis face: ``(billowing, rim, erosion)`` amplitudes in
    [0, 1] (ridges of the young face flatten by ~35; a bright rim forms
    30-60; the face then erodes and roughens)."""
    billow = 1.0 - smoothstep(15.0, 35.0, age)
    rim = smoothstep(25.0, 40.0, age) - smoothstep(50.0, 65.0, age)
    erosion = smoothstep(35.0, 80.0, age)
    return billow, rim, erosion


def neck_shaft_angle(age):
    """Femoral neck-shaft angle (degrees): ~145 at birth, ~127 adult."""
    return 127.0 + 18.0 * np.exp(-np.asarray(age, np.float64) / 5.0)


class AgeState(NamedTuple):
    """Every age-dependent parameter of one phantom (scalars)."""
    age: float
    female: bool
    stature: float  #: cm, before vertebral height loss
    infant: float  #: :func:`infant_weight`
    puberty: float  #: :func:`puberty_weight`
    physis: Dict[str, float]  #: site -> openness
    epiphysis: float  #: :func:`epiphysis_scale`
    apophysis: float  #: ossified fraction of the iliac crest apophysis
    bmd: float  #: relative bone density (times the image's factor)
    vert_height: float
    disc_height: float
    fracture_p: float
    osteophyte_p: float
    osteophyte_size: float
    calcification: float
    billow: float
    rim: float
    erosion: float
    neck_angle: float


def age_state(age: float, female: bool, tempo: float = 0.0,
              bmd_factor: float = 1.0) -> AgeState:
    """All age cues of a person.

    Args:
        age (float): Age in years.
        female (bool): Sex.
        tempo (float): Maturity offset (years) of the growth plates.
        bmd_factor (float): Individual factor of the bone density.
    """
    age = float(age)
    physis = {s: float(physis_openness(age, female, s, tempo))
              for s in PHYSIS_CLOSURE}
    billow, rim, erosion = (float(v) for v in symphysis_surface(age))
    return AgeState(
        age=age, female=bool(female),
        stature=float(stature_cm(age, female)),
        infant=float(infant_weight(age)),
        puberty=float(puberty_weight(age)), physis=physis,
        epiphysis=float(epiphysis_scale(age)),
        apophysis=float(iliac_apophysis(age, female, tempo)[0]),
        bmd=float(bone_density(age, female)) * bmd_factor,
        vert_height=float(vertebral_height(age, female)),
        disc_height=float(disc_height(age)),
        fracture_p=float(fracture_probability(age, female)),
        osteophyte_p=float(osteophyte_probability(age)),
        osteophyte_size=float(osteophyte_size(age)),
        calcification=float(cartilage_calcification(age)),
        billow=billow, rim=rim, erosion=erosion,
        neck_angle=float(neck_shaft_angle(age)))
