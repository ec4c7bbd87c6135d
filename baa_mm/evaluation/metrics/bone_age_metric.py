"""Bone-age regression metrics."""
import math
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from baa_mm.registry import METRICS

__all__ = [
    'BoneAgeMetric', 'bone_age_metrics', 'age_band_masks', 'UNIT_DEFAULTS'
]

#: Per age unit: the ``within_*`` tolerances and the age-band edges
#: (``()``: no bands) that :class:`BoneAgeMetric` uses by default.
UNIT_DEFAULTS = dict(
    months=dict(thresholds=(6., 12.), age_bands=()),
    years=dict(thresholds=(5., 10.), age_bands=(0., 18., 40., 60.,
                                                math.inf)))


def _band_name(lo: float, hi: float) -> str:
    return f'{lo:g}+' if math.isinf(hi) else f'{lo:g}-{hi:g}'


def age_band_masks(gt: np.ndarray,
                   edges: Sequence[float]) -> Dict[str, np.ndarray]:
    """Split images into age bands by their true age.

    Args:
        gt (np.ndarray): (N,) ground-truth ages.
        edges (Sequence[float]): Strictly increasing band edges (at least
            two); band i is ``edges[i] <= age < edges[i + 1]`` (left-closed).
            The last edge may be ``inf``.

    Returns:
        dict: Band name (``'0-18'``, ..., ``'60+'`` for an ``inf`` upper
        edge) → (N,) bool mask, in band order; ages outside every band are
        in none.

    Raises:
        ValueError: Fewer than two edges, or edges not strictly increasing.
    """
    edges = [float(e) for e in edges]
    if len(edges) < 2 or any(not b > a for a, b in zip(edges, edges[1:])):
        raise ValueError(f'age_bands must be at least two strictly '
                         f'increasing edges, got {edges}')
    gt = np.asarray(gt, np.float64)
    return {_band_name(lo, hi): (gt >= lo) & (gt < hi)
            for lo, hi in zip(edges, edges[1:])}


def bone_age_metrics(pred: np.ndarray,
                     gt: np.ndarray,
                     sex: Optional[np.ndarray] = None,
                     thresholds: Sequence[float] = (6., 12.),
                     age_bands: Optional[Sequence[float]] = None
                     ) -> Dict[str, float]:
    """Compute bone-age metrics from arrays (pure numpy).

    Ages may be in any unit (``thresholds`` and ``age_bands`` are in it).

    Args:
        pred (np.ndarray): (N,) predicted ages.
        gt (np.ndarray): (N,) ground-truth ages.
        sex (np.ndarray, optional): (N,) 1 male, 0 female, -1 unknown.
        thresholds (Sequence[float]): Report the share of |error| <= t.
        age_bands (Sequence[float], optional): Band edges by true age, see
            :func:`age_band_masks`, e.g. ``(0, 18, 40, 60, inf)`` years.
            None or empty: no bands.

    Returns:
        dict: ``MAE``, ``RMSE``, ``bias`` (mean of pred - gt), ``within_<t>``
        (percent), ``MAE_male``/``MAE_female`` when those groups exist, and
        ``MAE_<band>`` (e.g. ``MAE_0-18``, ``MAE_60+``) for each non-empty
        age band.
    """
    pred = np.asarray(pred, np.float64)
    gt = np.asarray(gt, np.float64)
    if pred.shape != gt.shape or pred.ndim != 1 or len(pred) == 0:
        raise ValueError(f'pred and gt must be equal-length non-empty 1-D '
                         f'arrays, got {pred.shape} and {gt.shape}')
    err = pred - gt
    out = dict(MAE=float(np.abs(err).mean()),
               RMSE=float(np.sqrt((err**2).mean())),
               bias=float(err.mean()))
    for t in thresholds:
        out[f'within_{t:g}'] = float((np.abs(err) <= t).mean() * 100)
    if sex is not None:
        sex = np.asarray(sex)
        for name, value in (('male', 1), ('female', 0)):
            sel = sex == value
            if sel.any():
                out[f'MAE_{name}'] = float(np.abs(err[sel]).mean())
    if age_bands is not None and len(age_bands):
        for name, sel in age_band_masks(gt, age_bands).items():
            if sel.any():
                out[f'MAE_{name}'] = float(np.abs(err[sel]).mean())
    return out


@METRICS.register_module()
class BoneAgeMetric(BaseMetric):
    """MAE (and friends) of predicted vs. ground-truth bone age.

    Ages are in the dataset's unit, ``dataset_meta['age_unit']`` (the
    dataset's metainfo, which the runner passes on; 'months' when absent):
    months for hand radiographs, years for :class:`WholeBodyCTDataset`.
    The unit also picks the defaults and is named in the log line.

    Keys (under the ``bone_age/`` prefix): ``MAE``, ``MAE_male``,
    ``MAE_female``, ``RMSE``, ``bias`` (mean signed error), ``within_<t>``
    (percent of images with |error| <= t: ``within_6``/``within_12`` in
    months, ``within_5``/``within_10`` in years) and, in years,
    ``MAE_0-18``, ``MAE_18-40``, ``MAE_40-60``, ``MAE_60+`` (MAE per band
    of the true age, left-closed; empty bands are left out). The number of
    images per band is logged, not returned.

    Args:
        thresholds (Sequence[float], optional): Tolerances for
            ``within_*``. None: by unit (see :data:`UNIT_DEFAULTS`).
        age_bands (Sequence[float], optional): Band edges, e.g.
            ``(0, 18, 40, 60, float('inf'))``; ``()``: no bands. None: by
            unit (months: none, years: the above).
        collect_device (str): 'cpu' or 'gpu' for distributed collection.
        prefix (str, optional): Metric name prefix. Defaults to 'bone_age'.
    """

    default_prefix = 'bone_age'

    def __init__(self,
                 thresholds: Optional[Sequence[float]] = None,
                 age_bands: Optional[Sequence[float]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.thresholds = None if thresholds is None else tuple(thresholds)
        self.age_bands = None if age_bands is None else tuple(age_bands)
        if self.age_bands:
            age_band_masks(np.zeros(0), self.age_bands)  # validate early

    @property
    def age_unit(self) -> str:
        """The dataset's age unit ('months' when it names none)."""
        unit = (self.dataset_meta or {}).get('age_unit', 'months')
        if unit not in UNIT_DEFAULTS:
            raise ValueError(f'BoneAgeMetric: unknown age_unit {unit!r} in '
                             f'dataset_meta, expected one of '
                             f'{tuple(UNIT_DEFAULTS)}')
        return unit

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for s in data_samples:
            if 'gt_age' not in s:
                raise ValueError(
                    f'image {s.get("img_id")!r} has no gt_age: BoneAgeMetric '
                    'needs labelled data')
            self.results.append(
                dict(pred=float(s['pred_age']), gt=float(s['gt_age']),
                     sex=int(s['sex']) if 'sex' in s else -1))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        unit = self.age_unit
        defaults = UNIT_DEFAULTS[unit]
        thresholds = defaults['thresholds'] if self.thresholds is None \
            else self.thresholds
        bands = defaults['age_bands'] if self.age_bands is None \
            else self.age_bands
        gt = np.array([r['gt'] for r in results])
        metrics = bone_age_metrics(
            np.array([r['pred'] for r in results]), gt,
            np.array([r['sex'] for r in results]), thresholds, bands)
        line = (f'bone age on {len(results)} images ({unit}): ' +
                ', '.join(f'{k}={v:.3f}' for k, v in metrics.items()))
        if bands:
            counts = {k: int(m.sum())
                      for k, m in age_band_masks(gt, bands).items()}
            line += '; images per age band: ' + ', '.join(
                f'{k}: {n}' for k, n in counts.items())
        MMLogger.get_current_instance().info(line)
        return metrics
