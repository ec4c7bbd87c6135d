"""Agreement of predicted with true bone ages: the numbers of a report.

Used by ``tools/analysis_tools/eval_predictions.py``: matching prediction
ids to label ids (:func:`match_ids`), the error metrics per group (all,
per sex, per band of the true age; :func:`group_metrics`, which calls
:func:`~baa_mm.evaluation.bone_age_metrics` on each group) and the
Bland–Altman statistics (:func:`bland_altman`). Pure numpy.
"""
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ..metrics.bone_age_metric import (UNIT_DEFAULTS, age_band_masks,
                                       bone_age_metrics)

__all__ = ['REPORT_DEFAULTS', 'bland_altman', 'group_metrics', 'match_ids']

#: Per age unit: the ``within_*`` tolerances and age-band edges of a report.
#: Months: within 6/12/24 months and the bands 0-2, 2-6, 6-10, 10-14 and
#: 14-19 years (edges in months); years: :data:`UNIT_DEFAULTS`.
REPORT_DEFAULTS = dict(
    months=dict(thresholds=(6., 12., 24.),
                age_bands=(0., 24., 72., 120., 168., 228.)),
    years=dict(thresholds=tuple(UNIT_DEFAULTS['years']['thresholds']),
               age_bands=tuple(UNIT_DEFAULTS['years']['age_bands'])))

_SEXES = (('female', 0), ('male', 1), ('unknown', -1))


def _pair(pred, gt) -> Tuple[np.ndarray, np.ndarray]:
    """Check and convert a (pred, gt) pair of (N,) arrays, N >= 1."""
    pred = np.asarray(pred, np.float64)
    gt = np.asarray(gt, np.float64)
    if pred.shape != gt.shape or pred.ndim != 1 or len(pred) == 0:
        raise ValueError(f'pred and gt must be equal-length non-empty 1-D '
                         f'arrays, got shapes {pred.shape} and {gt.shape}')
    if not (np.isfinite(pred).all() and np.isfinite(gt).all()):
        raise ValueError('pred and gt must be finite')
    return pred, gt


def bland_altman(pred, gt, z: float = 1.96) -> Dict[str, float]:
    """Bland–Altman agreement of predicted with true ages.

    The differences are ``pred - gt``; their SD is the sample SD
    (``ddof=1``). A single pair has no spread: its SD is reported as 0, so
    both limits equal the bias.

    Args:
        pred (np.ndarray): (N,) predicted ages, N >= 1.
        gt (np.ndarray): (N,) true ages.
        z (float): Half-width of the limits in SDs. Defaults to 1.96 (95 %
            limits of agreement).

    Returns:
        dict: ``n`` (int), ``bias`` (mean difference), ``sd`` (SD of the
        differences), ``loa_lower`` / ``loa_upper`` (``bias -/+ z * sd``).

    Raises:
        ValueError: Empty, non-1-D, unequal-length or non-finite input.
    """
    pred, gt = _pair(pred, gt)
    diff = pred - gt
    bias = float(diff.mean())
    sd = float(diff.std(ddof=1)) if len(diff) > 1 else 0.
    return dict(n=int(len(diff)), bias=bias, sd=sd,
                loa_lower=bias - z * sd, loa_upper=bias + z * sd)


def _row(pred: np.ndarray, gt: np.ndarray,
         thresholds: Sequence[float]) -> Dict[str, Optional[float]]:
    """``n`` and the plain metrics of one group (None when it is empty)."""
    if len(pred) == 0:
        keys = ['MAE', 'RMSE', 'bias'] + [f'within_{t:g}' for t in thresholds]
        return dict(n=0, **{k: None for k in keys})
    return dict(n=int(len(pred)),
                **bone_age_metrics(pred, gt, None, thresholds, None))


def group_metrics(pred,
                  gt,
                  sex=None,
                  thresholds: Sequence[float] = (6., 12., 24.),
                  age_bands: Optional[Sequence[float]] = None) -> dict:
    """Error metrics overall, per sex and per band of the true age.

    Every group's metrics come from
    :func:`~baa_mm.evaluation.bone_age_metrics` on its images.

    Args:
        pred (np.ndarray): (N,) predicted ages, N >= 1.
        gt (np.ndarray): (N,) true ages (same unit).
        sex (np.ndarray, optional): (N,) 1 male, 0 female, -1 unknown.
            None: no per-sex groups.
        thresholds (Sequence[float]): Tolerances of ``within_<t>``
            (percent of images with ``|pred - gt| <= t``).
        age_bands (Sequence[float], optional): Band edges, see
            :func:`~baa_mm.evaluation.age_band_masks`. None or empty: no
            bands.

    Returns:
        dict: ``overall``: a row; ``by_sex``: ``female`` / ``male`` rows
        (plus ``unknown`` when some sex is -1; empty without ``sex``);
        ``by_age_band``: band name → row, every band, empty ones included;
        ``outside_bands``: the number of images in no band. A row is ``n``,
        ``MAE``, ``RMSE``, ``bias`` and ``within_<t>`` (None when n is 0).

    Raises:
        ValueError: Bad arrays (see :func:`bland_altman`), ``sex`` of
            another length, or bad band edges.
    """
    pred, gt = _pair(pred, gt)
    out = dict(overall=_row(pred, gt, thresholds), by_sex={},
               by_age_band={}, outside_bands=0)
    if sex is not None:
        sex = np.asarray(sex)
        if sex.shape != pred.shape:
            raise ValueError(f'sex must have shape {pred.shape}, got '
                             f'{sex.shape}')
        for name, value in _SEXES:
            sel = sex == value
            if value >= 0 or sel.any():
                out['by_sex'][name] = _row(pred[sel], gt[sel], thresholds)
    if age_bands is not None and len(age_bands):
        masks = age_band_masks(gt, age_bands)
        for name, sel in masks.items():
            out['by_age_band'][name] = _row(pred[sel], gt[sel], thresholds)
        inside = np.any(np.stack(list(masks.values())), axis=0)
        out['outside_bands'] = int((~inside).sum())
    return out


def match_ids(label_ids: Iterable[str], pred_ids: Iterable[str]
              ) -> Tuple[List[str], List[str], List[str]]:
    """Join prediction ids to label ids.

    Args:
        label_ids (Iterable[str]): Ids of the label file, in file order.
        pred_ids (Iterable[str]): Ids of the prediction file, in file
            order.

    Returns:
        tuple[list[str], list[str], list[str]]: ``matched`` (in both, in
        label order), ``missing`` (labelled, not predicted; label order)
        and ``extra`` (predicted, not labelled; prediction order).
    """
    label_ids, pred_ids = list(label_ids), list(pred_ids)
    labelled, predicted = set(label_ids), set(pred_ids)
    matched = [i for i in label_ids if i in predicted]
    missing = [i for i in label_ids if i not in predicted]
    extra = [i for i in pred_ids if i not in labelled]
    return matched, missing, extra
