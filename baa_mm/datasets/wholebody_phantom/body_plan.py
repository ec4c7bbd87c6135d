"""Body plan: landmark heights, widths and bone sizes in centimetres.

The body frame has its origin at the vertex (top of the skull) on the
midline, ``x`` to the image right (the patient's left, radiological
convention) and ``y`` down. Proportions blend infant and adult values with
:func:`~.aging.infant_weight`, adult sex dimorphism with
:func:`~.aging.puberty_weight`; everything scales with the stature. The
spine is laid out vertebra by vertebra: senile loss of vertebral and disc
height (and compression fractures) shorten the trunk, and everything below
the fifth lumbar vertebra moves up by the same amount.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, NamedTuple

import numpy as np

from .aging import AgeState

__all__ = ['Vertebra', 'BodyPlan', 'body_plan', 'NUM_FRACTURE_SITES']

#: Landmark heights / stature from the vertex: (adult, infant).
_Y = dict(chin=(.130, .235), c1=(.105, .200), c7=(.180, .270),
          t12=(.355, .445), l5=(.455, .530), iliac=(.410, .500),
          sacrum=(.485, .570), hip=(.495, .585), pubis=(.508, .600),
          knee=(.725, .790), ankle=(.955, .965))
#: Landmarks that hang below the lumbar spine (move up when it shrinks).
_BELOW_SPINE = ('iliac', 'sacrum', 'hip', 'pubis', 'knee', 'ankle', 'sole')
#: Half widths / stature: (adult female, adult male, infant).
_X = dict(skull=(.046, .046, .085), shoulder=(.108, .120, .105),
          chest=(.088, .097, .095), pelvis=(.096, .088, .080),
          hip=(.053, .050, .048), knee=(.032, .030, .036),
          ankle=(.036, .034, .036), cervical=(.008, .009, .009),
          thoracic=(.0105, .0115, .0105), lumbar=(.0140, .0150, .0130))
#: Bone widths and lengths / stature: (adult female, adult male, infant).
_W = dict(femur=(.0165, .0180, .0170), tibia=(.0150, .0165, .0150),
          fibula=(.0065, .0070, .0060), humerus=(.0125, .0140, .0120),
          forearm=(.0075, .0085, .0070), clavicle=(.0075, .0085, .0080),
          rib=(.0070, .0075, .0075), femur_head=(.0135, .0148, .0120),
          humerus_len=(.190, .190, .165), forearm_len=(.145, .147, .125),
          hand_len=(.105, .105, .100), neck_len=(.028, .030, .022))
#: Thoracolumbar vertebrae (T1-L5) that may carry a compression fracture.
NUM_FRACTURE_SITES = 17


class Vertebra(NamedTuple):
    """One vertebral body (ossified part), in body-frame cm."""
    name: str  #: 'C1' ... 'L5'
    y_top: float
    y_bot: float
    hw: float  #: half width


@dataclass
class BodyPlan:
    """Everything the skeleton painters need, in body-frame cm."""
    state: AgeState
    stature: float  #: young stature (cm): the scale of the proportions
    y: Dict[str, float]  #: landmark heights (after spine shrinkage)
    x: Dict[str, float]  #: half widths
    w: Dict[str, float]  #: bone widths / lengths
    vertebrae: List[Vertebra]

    @property
    def height(self) -> float:
        """Actual body height (vertex to sole), cm."""
        return self.y['sole']

    def vertebra(self, name: str) -> Vertebra:
        """The vertebra called ``name`` ('C1' ... 'L5')."""
        return self.vertebrae[_NAMES.index(name)]


_NAMES = ([f'C{i}' for i in range(1, 8)] + [f'T{i}' for i in range(1, 13)] +
          [f'L{i}' for i in range(1, 6)])


def _blend(st: AgeState, values) -> float:
    """Infant / adult blend of ``(female, male, infant)`` fractions."""
    fem, male, inf = values
    mean = 0.5 * (fem + male)
    adult = mean + ((fem if st.female else male) - mean) * st.puberty
    return (inf * st.infant + adult * (1.0 - st.infant)) * st.stature


def _spine(st: AgeState, y: Dict[str, float], x: Dict[str, float],
           fracture: np.ndarray) -> List[Vertebra]:
    """Lay out C1-L5 from ``y['c1']`` down; returns the vertebrae."""
    regions = (('cervical', 'c1', 'c7', 7, (1.0, 1.0), .20),
               ('thoracic', 'c7', 't12', 12, (0.85, 1.15), .18),
               ('lumbar', 't12', 'l5', 5, (1.0, 1.08), .25))
    out, cursor, k = [], y['c1'], 0
    for region, top, bot, n, (w0, w1), disc in regions:
        weights = np.linspace(w0, w1, n)
        units = weights / weights.sum() * (y[bot] - y[top])
        disc_frac = disc + 0.15 * st.infant
        hws = np.linspace(0.85 if region == 'thoracic' else 0.95, 1.05, n)
        for i, unit in enumerate(units):
            body = unit * (1.0 - disc_frac)
            gap = unit * disc_frac
            if region != 'cervical':
                body *= st.vert_height * fracture[k]
                gap *= st.disc_height
                k += 1
            y_top = cursor + gap
            out.append(Vertebra(_NAMES[len(out)], y_top, y_top + body,
                                x[region] * hws[i] * (1 - 0.25 * st.infant)))
            cursor = y_top + body
    return out


def body_plan(st: AgeState, fracture: np.ndarray) -> BodyPlan:
    """The body plan of a person.

    Args:
        st (AgeState): The age cues.
        fracture (np.ndarray): Height factor of T1-L5 (1: no fracture),
            shape (:data:`NUM_FRACTURE_SITES`, ).

    Returns:
        BodyPlan: Landmarks, widths and the vertebrae.
    """
    stature = st.stature
    y = {k: (a * (1.0 - st.infant) + i * st.infant) * stature
         for k, (a, i) in _Y.items()}
    y['sole'] = stature
    x = {k: _blend(st, v) for k, v in _X.items()}
    w = {k: _blend(st, v) for k, v in _W.items()}
    vertebrae = _spine(st, y, x, fracture)
    shrink = y['l5'] - vertebrae[-1].y_bot
    for key in _BELOW_SPINE:
        y[key] -= shrink
    y['t12'] = vertebrae[18].y_bot
    y['l5'] = vertebrae[-1].y_bot
    return BodyPlan(st, stature, y, x, w, vertebrae)
