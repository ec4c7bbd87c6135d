"""Labels of the whole-body phantoms: age (years) and sex."""
from __future__ import annotations

from typing import Tuple

import numpy as np

from .options import check_labels

__all__ = ['MIN_AGE', 'MAX_AGE', 'PAPER_MIXTURE', 'sample_age',
           'sample_label', 'parse_sex']

#: Age range of Nguyen & Kim's cohort (years); 'paper' ages lie in it.
MIN_AGE, MAX_AGE = 0.7, 87.0
#: The 'paper' age mixture: (weight, kind, a, b); 'uniform' on [a, b],
#: 'normal' with mean a and std b (clipped to [MIN_AGE, MAX_AGE]). Most
#: cases are 40-60 years as in the paper's histogram.
PAPER_MIXTURE = ((0.08, 'uniform', MIN_AGE, 18.0),
                 (0.14, 'uniform', 18.0, 40.0),
                 (0.62, 'normal', 50.0, 7.0),
                 (0.16, 'uniform', 60.0, MAX_AGE))


def sample_age(rng: np.random.Generator, age_distribution: str) -> float:
    """Draw an age in years (2 decimals).

    Always draws three numbers from ``rng`` (component, uniform, normal), so
    the stream stays aligned whatever the distribution.

    Args:
        rng (np.random.Generator): The image's label stream.
        age_distribution (str): ``'paper'`` (the :data:`PAPER_MIXTURE`,
            range 0.7-87 years) or ``'uniform'`` (0-90 years).

    Returns:
        float: The age, rounded to 2 decimals.
    """
    check_labels(0.5, age_distribution)
    comp, u, z = rng.random(), rng.random(), rng.standard_normal()
    if age_distribution == 'uniform':
        return round(90.0 * u, 2)
    acc = 0.0
    for weight, kind, a, b in PAPER_MIXTURE:
        acc += weight
        if comp < acc:
            break
    age = a + (b - a) * u if kind == 'uniform' else a + b * z
    return round(float(np.clip(age, MIN_AGE, MAX_AGE)), 2)


def sample_label(rng: np.random.Generator, age_distribution: str = 'paper',
                 sex_ratio: float = 0.83) -> Tuple[float, str]:
    """Draw the label of one image: age in years and sex.

    Args:
        rng (np.random.Generator): The image's label stream.
        age_distribution (str): See :func:`sample_age`.
        sex_ratio (float): Probability of a female. Defaults to 0.83 (the
            paper's cohort).

    Returns:
        tuple[float, str]: ``(age, sex)`` with sex ``'F'`` or ``'M'``.
    """
    check_labels(sex_ratio, age_distribution)
    age = sample_age(rng, age_distribution)
    sex = 'F' if rng.random() < sex_ratio else 'M'
    return age, sex


def parse_sex(sex) -> str:
    """``'F'`` or ``'M'`` of ``'F'``/``'female'``/``'M'``/``'male'``.

    Raises:
        ValueError: Anything else.
    """
    text = str(sex).strip().lower()
    if text in ('f', 'female'):
        return 'F'
    if text in ('m', 'male'):
        return 'M'
    raise ValueError(f"sex must be 'F' or 'M', got {sex!r}")
