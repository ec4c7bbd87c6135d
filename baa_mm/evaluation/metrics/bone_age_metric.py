"""Bone-age regression metrics."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from baa_mm.registry import METRICS

__all__ = ['BoneAgeMetric', 'bone_age_metrics']


def bone_age_metrics(pred: np.ndarray,
                     gt: np.ndarray,
                     sex: Optional[np.ndarray] = None,
                     thresholds: Sequence[float] = (6., 12.)) -> Dict[str, float]:
    """Compute bone-age metrics from arrays (pure numpy).

    Args:
        pred (np.ndarray): (N,) predicted ages.
        gt (np.ndarray): (N,) ground-truth ages.
        sex (np.ndarray, optional): (N,) 1 male, 0 female, -1 unknown.
        thresholds (Sequence[float]): Report the share of |error| <= t.

    Returns:
        dict: ``MAE``, ``RMSE``, ``bias`` (mean of pred - gt), ``within_<t>``
        (percent), and ``MAE_male``/``MAE_female`` when those groups exist.
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
    return out


@METRICS.register_module()
class BoneAgeMetric(BaseMetric):
    """MAE (and friends) of predicted vs. ground-truth bone age.

    Keys (under the ``bone_age/`` prefix): ``MAE``, ``MAE_male``,
    ``MAE_female``, ``RMSE``, ``within_6``, ``within_12`` (percent of images
    with |error| within 6 / 12 units), ``bias`` (mean signed error). Ages are
    in the dataset's unit (months for hand radiographs).

    Args:
        thresholds (Sequence[float]): Tolerances for ``within_*``.
        collect_device (str): 'cpu' or 'gpu' for distributed collection.
        prefix (str, optional): Metric name prefix. Defaults to 'bone_age'.
    """

    default_prefix = 'bone_age'

    def __init__(self,
                 thresholds: Sequence[float] = (6., 12.),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.thresholds = tuple(thresholds)

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
        metrics = bone_age_metrics(
            np.array([r['pred'] for r in results]),
            np.array([r['gt'] for r in results]),
            np.array([r['sex'] for r in results]), self.thresholds)
        MMLogger.get_current_instance().info(
            f'bone age on {len(results)} images: ' +
            ', '.join(f'{k}={v:.3f}' for k, v in metrics.items()))
        return metrics
