"""Options of the whole-body phantom generator and their checks."""
from __future__ import annotations

from typing import Optional, Tuple

from ..phantom.options import ImgSize, parse_img_size

__all__ = [
    'GENERATOR_VERSION', 'DEFAULT_IMG_SIZE', 'DEFAULT_OPTIONS', 'ARM_POSES',
    'AGE_DISTRIBUTIONS', 'resolve_options', 'parse_img_size', 'ImgSize',
    'check_labels'
]

#: Bumped whenever the rendered output changes; stored in ``meta.json``.
GENERATOR_VERSION = '1.0'
#: Default ``(width, height)``: tall and narrow like the CT projections.
DEFAULT_IMG_SIZE: Tuple[int, int] = (128, 384)
#: Arm positions, in the order of ``arm_pose_probs``.
ARM_POSES = ('along', 'abducted', 'overhead')
#: Age distributions of :func:`~.labels.sample_label`.
AGE_DISTRIBUTIONS = ('paper', 'uniform')
#: Nuisance options (independent of age and sex):
#:
#: * ``p_crop``: probability that the top (head) or the bottom (feet) of the
#:   body is cut off by the image border;
#: * ``max_crop``: the cut-off part is uniform in [0, max_crop] of the body
#:   height;
#: * ``arm_pose_probs``: probabilities of the arms along the body, slightly
#:   abducted, over the head;
#: * ``p_table``: probability of a faint scanner-table line behind the body;
#: * ``max_rotation``: pose rotation range (+- degrees);
#: * ``max_shift``: pose shift range (+- fraction of the image size);
#: * ``fov_adapt``: 0 keeps one physical scale (a 2-year-old fills half the
#:   height of an adult), 1 zooms every body to the same height; in
#:   between the scale goes with ``stature ** -fov_adapt``.
DEFAULT_OPTIONS = dict(
    p_crop=0.2,
    max_crop=0.15,
    arm_pose_probs=(0.5, 0.3, 0.2),
    p_table=0.7,
    max_rotation=3.0,
    max_shift=0.02,
    fov_adapt=0.5)
_RANGES = dict(p_crop=(0., 1.), max_crop=(0., 0.5), p_table=(0., 1.),
               max_rotation=(0., 45.), max_shift=(0., 0.2),
               fov_adapt=(0., 1.))


def resolve_options(options: Optional[dict] = None) -> dict:
    """Complete and check rendering options.

    Args:
        options (dict, optional): Overrides of :data:`DEFAULT_OPTIONS`.

    Returns:
        dict: Every option in the order of the defaults (floats, and
        ``arm_pose_probs`` a list of 3 floats summing to 1), JSON-ready.

    Raises:
        ValueError: An unknown option or a value out of range.
    """
    options = dict(options or {})
    unknown = set(options) - set(DEFAULT_OPTIONS)
    if unknown:
        raise ValueError(f'unknown whole-body phantom options '
                         f'{sorted(unknown)}, expected some of '
                         f'{list(DEFAULT_OPTIONS)}')
    out = {}
    for key, default in DEFAULT_OPTIONS.items():
        value = options.get(key, default)
        if key == 'arm_pose_probs':
            probs = [float(p) for p in value]
            if len(probs) != len(ARM_POSES) or min(probs) < 0 or sum(
                    probs) <= 0:
                raise ValueError(f'arm_pose_probs must be {len(ARM_POSES)} '
                                 f'non-negative numbers ({ARM_POSES}), got '
                                 f'{value!r}')
            out[key] = [p / sum(probs) for p in probs]
            continue
        value = float(value)
        lo, hi = _RANGES[key]
        if not lo <= value <= hi:
            raise ValueError(f'option {key} must lie in [{lo:g}, {hi:g}], '
                             f'got {value}')
        out[key] = value
    return out


def check_labels(sex_ratio: float, age_distribution: str) -> None:
    """Check the label options of the generator.

    Args:
        sex_ratio (float): Fraction of females, in [0, 1].
        age_distribution (str): One of :data:`AGE_DISTRIBUTIONS`.

    Raises:
        ValueError: Either is invalid.
    """
    if not 0.0 <= float(sex_ratio) <= 1.0:
        raise ValueError(f'sex_ratio (fraction of females) must lie in '
                         f'[0, 1], got {sex_ratio}')
    if age_distribution not in AGE_DISTRIBUTIONS:
        raise ValueError(f'unknown age_distribution {age_distribution!r}, '
                         f'expected one of {AGE_DISTRIBUTIONS}')
