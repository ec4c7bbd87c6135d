"""Test-time augmentation: the mean predicted age over augmented views."""
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseTTAModel

from baa_mm.evaluation.functional.ensemble_mean import mean_age
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample

__all__ = ['BoneAgeTTAModel']


@MODELS.register_module()
class BoneAgeTTAModel(BaseTTAModel):
    """Average the predicted ages of the augmented views of each image (as
    mmpretrain's ``AverageClsScoreTTA`` averages class scores).

    Wraps any bone-age estimator (``module``) that writes ``pred_age`` in
    ``predict`` mode. mmengine's :class:`BaseTTAModel` splits the batch of
    a ``TestTimeAug`` pipeline into one batch per view and runs
    ``module.test_step`` on each (the module's own data preprocessor, so
    ``sex`` is passed as usual); :meth:`merge_preds` averages the V views
    with :func:`~baa_mm.evaluation.functional.mean_age` (the ensembles'
    rule). Checkpoints of the plain model load into it unchanged (mmengine
    strips the ``module.`` level of a ``BaseTTAModel``).

    Enable it with ``python tools/test.py CONFIG CKPT --tta``. Without
    ``tta_model`` / ``tta_pipeline`` in the config, the tool uses this
    model and the test pipeline with its last transform (the packer)
    replaced by a flip ``TestTimeAug``; a config can set both itself::

        tta_model = dict(type='BoneAgeTTAModel')
        tta_pipeline = [
            dict(type='LoadRadiograph'),
            dict(type='Resize', scale=(128, 128), keep_ratio=False,
                 interpolation='area'),
            dict(type='TestTimeAug',
                 transforms=[
                     [dict(type='RandomFlip', prob=0.),  # identity first
                      dict(type='RandomFlip', prob=1.,
                           direction='horizontal')],
                     [dict(type='PackBoneAgeInputs')],
                 ]),
        ]

    (mmcv's ``TestTimeAug`` runs every combination of one transform from
    each inner list.) Horizontal flips suit the recipes that train with
    ``RandomFlip`` (left and right hands both occur in RSNA).

    Every field of a merged sample except ``pred_age`` (ground truth,
    metainfo, maps, boxes) is the *first* view's, so list the identity view
    first; ``tta_ages`` keeps the (V,) ages of the views.

    Args:
        module (dict | nn.Module): The estimator (config or module).
        data_preprocessor (dict | nn.Module, optional): Overrides the
            module's data preprocessor (see :class:`BaseTTAModel`).
        weights (Sequence[float], optional): (V,) view weights (normalised
            to sum 1). None: the plain mean.
    """

    def __init__(self,
                 module: Union[dict, nn.Module],
                 data_preprocessor: Union[dict, nn.Module, None] = None,
                 weights: Optional[Sequence[float]] = None) -> None:
        super().__init__(module=module, data_preprocessor=data_preprocessor)
        self.weights = None if weights is None else list(weights)

    def merge_preds(self, data_samples_list: List[List[BoneAgeDataSample]]
                    ) -> List[BoneAgeDataSample]:
        """Merge the views of each image.

        Args:
            data_samples_list (list[list[BoneAgeDataSample]]): N images,
                each a list of its V predicted views.

        Returns:
            list[BoneAgeDataSample]: N samples, ``pred_age`` the (weighted)
            mean over the views and ``tta_ages`` the (V,) view ages.
        """
        if not data_samples_list:
            return []
        for i, views in enumerate(data_samples_list):
            missing = [v for v, s in enumerate(views) if 'pred_age' not in s]
            if missing:
                raise ValueError(
                    f'BoneAgeTTAModel averages pred_age, but views '
                    f'{missing} of image {i} have none (the wrapped '
                    f'{type(self.module).__name__} predicts no ages)')
        # (V, N): view v of image i
        ages = torch.stack([
            torch.stack([s.pred_age.float() for s in views])
            for views in data_samples_list
        ], dim=1)
        fused = mean_age(ages, self.weights)
        merged = []
        for i, views in enumerate(data_samples_list):
            sample = views[0].new()
            sample.set_pred_age(fused[i])
            sample.tta_ages = ages[:, i]
            merged.append(sample)
        return merged
