"""Individual anatomical variation, drawn with a fixed number of draws.

Every array has a fixed shape, so the random stream after it (and the
image's nuisance parameters before it) do not depend on the age or sex:
re-rendering one ``(seed, id)`` at another age changes only the age cues.
Age decides which of the pre-drawn spurs, specks and fractures show.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .aging import AgeState
from .body_plan import NUM_FRACTURE_SITES

__all__ = ['Variation', 'draw_variation', 'fracture_factors',
           'NUM_SPECKS', 'NUM_LUMBAR', 'SYMPHYSIS_STEPS']

#: Potential calcification specks per side.
NUM_SPECKS = 16
#: Lumbar vertebrae (osteophytes at their 4 corners).
NUM_LUMBAR = 5
#: Vertices of each pubic symphysis face.
SYMPHYSIS_STEPS = 9


class Variation(NamedTuple):
    """Per-image anatomical draws."""
    tempo: float  #: growth-plate maturity offset (years)
    bmd_factor: float  #: individual bone density factor
    fracture_u: np.ndarray  #: (17,) uniform: fracture if < probability
    fracture_sev: np.ndarray  #: (17,) remaining height if fractured
    spur_u: np.ndarray  #: (5, 4) uniform: spur if < probability
    spur_len: np.ndarray  #: (5, 4) spur length factor
    speck_u: np.ndarray  #: (2, S) uniform: speck if < calcification
    speck_k: np.ndarray  #: (2, S) cartilage index in [0, 1)
    speck_t: np.ndarray  #: (2, S) position along the cartilage
    speck_c: np.ndarray  #: (2, S) standard normal: offset across it
    speck_r: np.ndarray  #: (2, S) size / brightness factor in [0, 1)
    face_u: np.ndarray  #: (2, steps) roughness of the symphysis faces
    billow_phase: float  #: phase of the young symphysis ridges


def draw_variation(rng: np.random.Generator) -> Variation:
    """Draw the anatomical variation of one image (fixed draw count)."""
    s = (2, NUM_SPECKS)
    return Variation(
        tempo=float(np.clip(rng.normal(0.0, 0.8), -2.0, 2.0)),
        bmd_factor=float(np.clip(rng.normal(1.0, 0.04), 0.9, 1.1)),
        fracture_u=rng.random(NUM_FRACTURE_SITES),
        fracture_sev=rng.uniform(0.6, 0.85, NUM_FRACTURE_SITES),
        spur_u=rng.random((NUM_LUMBAR, 4)),
        spur_len=rng.uniform(0.5, 1.0, (NUM_LUMBAR, 4)),
        speck_u=rng.random(s), speck_k=rng.random(s),
        speck_t=rng.uniform(0.1, 0.95, s), speck_c=rng.standard_normal(s),
        speck_r=rng.random(s),
        face_u=rng.uniform(-1.0, 1.0, (2, SYMPHYSIS_STEPS)),
        billow_phase=float(rng.uniform(0.0, 2 * np.pi)))


def fracture_factors(var: Variation, st: AgeState) -> np.ndarray:
    """Height factor of T1-L5 (1: intact). T1-T5 fracture rarely."""
    p = np.full(NUM_FRACTURE_SITES, st.fracture_p)
    p[:5] *= 0.3
    return np.where(var.fracture_u < p, var.fracture_sev, 1.0)
