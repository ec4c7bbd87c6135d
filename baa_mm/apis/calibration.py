"""What a checkpoint knows about its own data: out-of-distribution scores
and prediction intervals, calibrated on the selection split.

:class:`InferenceCalibration` is written beside a checkpoint by
``tools/analysis_tools/calibrate_inference.py`` and read by
:class:`~baa_mm.apis.BoneAgeInferencer`:

- **out of distribution**: two Mahalanobis distances to training images,
  each with a shrunk (Ledoit-Wolf) covariance: of the model's pooled
  features (``model.embed``; models without one skip it) and of the
  network input itself at 16 x 16 (:func:`input_thumbnail`: the layout of
  a hand radiograph, for every model). An image is refused when either
  distance is above its threshold, the ⌈(n + 1)(1 - ``ood_rate`` / k)⌉-th
  smallest of that distance on the selection split (n images, k scores):
  as for the intervals, an image exchangeable with the selection split is
  refused with probability at most ``ood_rate``;
- **intervals**: split conformal on the selection split's absolute errors:
  ``pred ± q`` with ``q`` the ⌈(n + 1)(1 - α)⌉-th smallest error, which
  covers a new exchangeable image with probability ≥ 1 - α;
- **label range**: the training ages, to flag predictions outside them.

Shapes: N images, D feature dimensions.
"""
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    'InferenceCalibration', 'fit_gaussian', 'mahalanobis',
    'conformal_quantile', 'input_thumbnail', 'GaussianScore'
]


def input_thumbnail(inputs: torch.Tensor, size: int = 16) -> torch.Tensor:
    """(N, C, H, W) network inputs → (N, C * size * size) float32
    area-averaged thumbnails (the image-level OOD descriptor)."""
    return F.adaptive_avg_pool2d(inputs.float(), size).flatten(1)


def fit_gaussian(feats: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and precision of features with Ledoit-Wolf shrinkage.

    Args:
        feats (np.ndarray): (N, D) features, N >= 2.

    Returns:
        tuple: (D,) mean and (D, D) precision matrix (float64).
    """
    from sklearn.covariance import LedoitWolf
    feats = np.asarray(feats, np.float64)
    if feats.ndim != 2 or len(feats) < 2:
        raise ValueError(f'need (N >= 2, D) features, got shape '
                         f'{feats.shape}')
    model = LedoitWolf().fit(feats)
    return model.location_, model.precision_


def mahalanobis(feats: np.ndarray, mean: np.ndarray,
                precision: np.ndarray) -> np.ndarray:
    """Mahalanobis distances: (N, D) features → (N,) float64."""
    diff = np.asarray(feats, np.float64) - mean
    return np.sqrt(np.maximum(np.einsum('nd,de,ne->n', diff, precision,
                                        diff), 0))


def conformal_quantile(values: np.ndarray, coverage: float) -> float:
    """Split-conformal quantile: the interval half-width for absolute
    errors, the refusal threshold for distances.

    Args:
        values (np.ndarray): (N,) absolute errors (signs are dropped) or
            distances on a calibration set not used for training.
        coverage (float): The level 1 - α in (0, 1).

    Returns:
        float: The ⌈(N + 1) · coverage⌉-th smallest value (inf when the
        set is too small for that level): a new exchangeable value is at
        most it with probability >= coverage.
    """
    if not 0 < coverage < 1:
        raise ValueError(f'coverage must be in (0, 1), got {coverage}')
    res = np.sort(np.abs(np.asarray(values, np.float64)))
    if res.ndim != 1 or len(res) == 0:
        raise ValueError('need a non-empty (N,) array of values')
    k = math.ceil((len(res) + 1) * coverage)
    return float(res[k - 1]) if k <= len(res) else math.inf


@dataclass
class GaussianScore:
    """A Mahalanobis distance with its refusal threshold.

    Attributes:
        mean (np.ndarray): (D,) training mean.
        precision (np.ndarray): (D, D) shrunk precision matrix.
        threshold (float): Distances above it are refused.
    """
    mean: np.ndarray
    precision: np.ndarray
    threshold: float = math.inf

    @classmethod
    def fit(cls, train: np.ndarray) -> 'GaussianScore':
        """Fit on (N, D) training descriptors (threshold still unset)."""
        return cls(*fit_gaussian(train))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(N, D) descriptors → (N,) distances."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != len(self.mean):
            raise ValueError(f'calibrated on {len(self.mean)}-d '
                             f'descriptors, got shape {x.shape}: was it '
                             'made for another model or input size?')
        return mahalanobis(x, self.mean, self.precision)


@dataclass
class InferenceCalibration:
    """OOD scores, interval half-width and label range of a model.

    Attributes:
        scores (dict): Name (``'features'``, ``'input'``) →
            :class:`GaussianScore`.
        ood_rate (float): The share of the selection split refused (all
            scores together).
        coverage (float): Nominal interval coverage.
        halfwidth (float): Interval half-width (the model's unit).
        label_range (tuple): (min, max) training ages.
        unit (str): 'months' or 'years'.
        info (dict): How it was made (sizes, split coverage, config, ...).
    """
    scores: Dict[str, GaussianScore]
    ood_rate: float
    coverage: float
    halfwidth: float
    label_range: Tuple[float, float]
    unit: str = 'months'
    info: Dict = field(default_factory=dict)

    def refusal(self, descriptors: Dict[str, np.ndarray]
                ) -> Tuple[Dict[str, np.ndarray], List[Optional[str]]]:
        """Distances and, per image, why it is refused (None: accepted).

        Args:
            descriptors (dict): Name → (N, D) descriptors; a name without
                descriptors (a model without ``embed``) is skipped.

        Returns:
            tuple: name → (N,) distances, and N reasons or None.
        """
        dists = {name: score(descriptors[name])
                 for name, score in self.scores.items()
                 if descriptors.get(name) is not None}
        num = len(next(iter(dists.values()))) if dists else 0
        reasons: List[Optional[str]] = [None] * num
        for name, d in dists.items():
            limit = self.scores[name].threshold
            for i in np.flatnonzero(d > limit):
                reasons[i] = reasons[i] or (
                    f'out of distribution: {name} distance {d[i]:.1f} '
                    f'above {limit:.1f}')
        return dists, reasons

    def interval(self, pred: float) -> Tuple[float, float]:
        """(lower, upper) of a prediction; the lower bound stays >= 0."""
        return max(pred - self.halfwidth, 0.), pred + self.halfwidth

    def save(self, path: str) -> None:
        """Write an ``.npz`` (arrays + the rest as JSON)."""
        meta = {k: v for k, v in asdict(self).items() if k != 'scores'}
        meta['thresholds'] = {n: s.threshold for n, s in self.scores.items()}
        arrays = {}
        for name, score in self.scores.items():
            arrays[f'{name}_mean'] = score.mean
            arrays[f'{name}_precision'] = score.precision
        np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)

    @classmethod
    def load(cls, path: str) -> 'InferenceCalibration':
        """Read what :meth:`save` wrote; errors name the file."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data['meta']))
                scores = {
                    name: GaussianScore(data[f'{name}_mean'],
                                        data[f'{name}_precision'], limit)
                    for name, limit in meta.pop('thresholds').items()}
                return cls(scores=scores,
                           label_range=tuple(meta.pop('label_range')),
                           **meta)
        except (OSError, KeyError, ValueError, TypeError) as e:
            raise ValueError(f'{path}: not a bone-age calibration file '
                             f'({type(e).__name__}: {e})') from e
