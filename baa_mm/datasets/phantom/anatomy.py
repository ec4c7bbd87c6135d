"""Hand anatomy in the canonical frame and the informative sites.

The canonical frame is a 256 x 256 image: fingers up, wrist down, thumb on
the right (a PA radiograph of a left hand). All lengths are canonical
pixels.
"""
from __future__ import annotations

from typing import Dict, Tuple

#: Size of the canonical frame in which the hand is laid out.
CANON = 256.0

#: Carpal centres in order of appearance:
#: (name, centre (x, y), full radius, aspect (long/short), orientation [deg],
#:  appearance maturity [months]).
CARPALS: Tuple[Tuple[str, Tuple[float, float], float, float, float, float],
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
CARPAL_NAMES: Tuple[str, ...] = tuple(c[0] for c in CARPALS)

#: Rays: metacarpal base (x, y), direction [deg from "up", + = towards the
#: thumb], metacarpal (length, width), phalanges ((length, width), ...) from
#: proximal to distal, extra bend per joint [deg].
RAYS: Dict[str, tuple] = {
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
FINGERS: Tuple[str, ...] = ('thumb', 'index', 'middle', 'ring', 'little')
PHALANX_NAMES = ('proximal_phalanx', 'middle_phalanx', 'distal_phalanx')
#: All ray bone widths in ``RAYS`` are multiplied by this.
RAY_WIDTH_SCALE = 1.12
#: Joint space between consecutive bones of a ray.
JOINT_GAP = 3.0
#: Forearm bones: joint point (distal end, towards the carpus), width.
RADIUS = ((142.0, 214.0), 24.0)
ULNA = ((106.0, 219.0), 14.0)
#: Forearm bones and soft tissue run down to this canonical y (well below
#: the image even at the smallest scale).
FOREARM_END_Y = 440.0
#: Point of the hand that the pose maps to the image (rotation pivot).
HAND_PIVOT = (130.0, 150.0)
#: Rotation pivot for rotations beyond +-20 deg (style v2): the centre of
#: the region spanned by the informative boxes.
WIDE_ROTATION_PIVOT = (140.0, 126.0)
#: Distance of the flat metaphysis end of a shaft from its joint point, in
#: shaft widths. Epiphysis + physis gap sit in between.
EPI_SHAFT_OFFSET = 0.5


def phalanx_names(finger: str) -> Tuple[str, ...]:
    """Phalanges of a finger, proximal to distal (the thumb has no middle
    phalanx)."""
    if finger == 'thumb':
        return ('proximal_phalanx', 'distal_phalanx')
    return PHALANX_NAMES


def _epiphysis_sites() -> Tuple[Tuple[str, str], ...]:
    sites = [('radius_epiphysis', 'radius'), ('ulna_epiphysis', 'ulna')]
    for finger in FINGERS:
        for bone in phalanx_names(finger):
            sites.append((f'{finger}_{bone}_epiphysis', bone))
    return tuple(sites)


#: (box name, kinetics key) of every epiphysis / physis site (16 sites).
EPIPHYSIS_SITES: Tuple[Tuple[str, str], ...] = _epiphysis_sites()
#: Names of the informative boxes of every sample, in order.
INFORMATIVE_BOX_NAMES: Tuple[str, ...] = ('carpals', ) + tuple(
    s[0] for s in EPIPHYSIS_SITES)
