"""Intensities (0-255 in the bone layer) of bone, cartilage and spurs."""
from __future__ import annotations

from typing import NamedTuple

from .aging import AgeState, smoothstep

__all__ = ['Tones', 'bone_tones', 'CARTILAGE', 'SPUR']

#: Uncalcified costal cartilage: barely above soft tissue.
CARTILAGE = 30.0
#: Osteophytes: dense new bone, independent of the bone density.
SPUR = 238.0


class Tones(NamedTuple):
    """Bone-layer intensities of one phantom."""
    cortical: float  #: cortex of long bones, vertebral rims, skull
    trabecular: float  #: spongy bone (vertebral bodies, femoral neck)
    marrow: float  #: medullary canal of long-bone shafts
    cortex_frac: float  #: cortex thickness / half width of a shaft


def bone_tones(st: AgeState) -> Tones:
    """Intensities from the bone density (peak ~30 years, see
    :func:`~.aging.bone_density`).

    Trabecular bone follows the density more steeply than cortex
    (``bmd ** 1.5``), and after 30 the cortex thins with the density
    (endosteal resorption).
    """
    bmd = st.bmd
    cortical = min(100.0 + 115.0 * bmd, 235.0)
    trabecular = min(30.0 + 120.0 * bmd**1.5, 200.0)
    frac = 0.20 + 0.08 * float(smoothstep(0.0, 20.0, st.age))
    if st.age > 30.0:
        frac *= min(bmd, 1.0)**1.2
    return Tones(cortical, trabecular, 0.8 * trabecular, frac)
