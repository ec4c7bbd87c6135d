"""The one averaging rule of bone-age ensembles (in-model and late fusion).

:class:`~baa_mm.models.BoneAgeEnsemble` (members of one test pipeline,
averaged inside the model) and :func:`fuse_predictions` (prediction CSVs of
``tools/test.py --out``, any configs) both average with :func:`mean_age`.
Pure numpy / torch: no imports beyond numpy.
"""
import math
from typing import Optional, Sequence

import numpy as np

__all__ = ['mean_age', 'ensemble_weights']


def ensemble_weights(weights: Sequence[float], num_members: int
                     ) -> np.ndarray:
    """Check member weights and normalise them to sum to one.

    Args:
        weights (Sequence[float]): (K,) finite, non-negative weights, not
            all zero.
        num_members (int): K, the number of members.

    Returns:
        np.ndarray: (K,) float64 weights summing to 1.

    Raises:
        ValueError: Wrong count, a negative or non-finite weight, or a zero
            sum.
    """
    w = np.asarray([float(v) for v in weights], np.float64)
    if w.shape != (num_members, ):
        raise ValueError(f'{len(w)} weights for {num_members} ensemble '
                         'members')
    if not all(math.isfinite(v) and v >= 0 for v in w) or w.sum() <= 0:
        raise ValueError(f'weights must be finite, >= 0 and not all zero, '
                         f'got {list(weights)}')
    return w / w.sum()


def mean_age(ages, weights: Optional[Sequence[float]] = None):
    """(Weighted) mean of the members' ages, per image.

    Args:
        ages (np.ndarray | torch.Tensor): (K, N) ages of K members for N
            images (K >= 1). A tensor stays a tensor (same device / dtype).
        weights (Sequence[float], optional): (K,) member weights, normalised
            by :func:`ensemble_weights`. None: the plain mean.

    Returns:
        np.ndarray | torch.Tensor: (N,) ensemble ages (float64 for numpy
        input).

    Raises:
        ValueError: ``ages`` is not (K, N) with K >= 1, or bad weights.
    """
    is_array = not hasattr(ages, 'new_tensor')  # torch without importing it
    if is_array:
        ages = np.asarray(ages, np.float64)
    if ages.ndim != 2 or ages.shape[0] == 0:
        raise ValueError(f'ages must be (K, N) with K >= 1 members, got '
                         f'shape {tuple(ages.shape)}')
    if weights is None:
        return ages.mean(0)
    w = ensemble_weights(weights, ages.shape[0])
    w = w if is_array else ages.new_tensor(w)
    return (w[:, None] * ages).sum(0)
