"""Averaging several trained bone-age models (e.g. seeds of one config)."""
import copy
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn

from baa_mm.engine import load_local_checkpoint
from baa_mm.evaluation.functional.ensemble_mean import (ensemble_weights,
                                                        mean_age)
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from .base import BaseBoneAgeEstimator

__all__ = ['BoneAgeEnsemble']


@MODELS.register_module()
class BoneAgeEnsemble(BaseBoneAgeEstimator):
    """(Weighted) mean of the members' predicted ages (test only).

    ``python tools/test.py CONFIG a.pth b.pth c.pth`` wraps the config's
    model in this class; an ensemble config can also name it directly.
    Every member gets the same preprocessed batch (the first member's data
    preprocessor config is used), so members must share the test pipeline.
    Members that do not (other input sizes, crops or body parts, other
    configs): run ``tools/test.py`` once per member with ``--out m.csv``,
    then ``tools/analysis_tools/fuse_predictions.py a.csv b.csv ...``
    (late fusion). Both average with the same
    :func:`~baa_mm.evaluation.functional.mean_age`.

    Args:
        model (dict | list[dict]): One config used for every checkpoint, or
            one config per checkpoint.
        checkpoints (Sequence[str]): Local checkpoint files.
        data_preprocessor (dict, optional): Defaults to the first member's.
        weights (Sequence[float], optional): (K,) member weights (normalised
            to sum to 1). None: the plain mean.

    Predict output: ``pred_age`` (the mean) and ``member_ages`` ((K,) tensor).
    """

    def __init__(self,
                 model: Union[dict, List[dict]],
                 checkpoints: Sequence[str],
                 data_preprocessor: Optional[dict] = None,
                 weights: Optional[Sequence[float]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if not checkpoints:
            raise ValueError('BoneAgeEnsemble needs at least one checkpoint')
        models = ([copy.deepcopy(model) for _ in checkpoints] if isinstance(
            model, dict) else list(model))
        if len(models) != len(checkpoints):
            raise ValueError(f'{len(models)} member configs for '
                             f'{len(checkpoints)} checkpoints')
        if weights is not None:
            ensemble_weights(weights, len(checkpoints))  # fail before loading
        if data_preprocessor is None:
            data_preprocessor = models[0].get('data_preprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.members = nn.ModuleList()
        for cfg, ckpt in zip(models, checkpoints):
            member = MODELS.build(cfg)
            load_local_checkpoint(member, ckpt, strict=True, logger='silent')
            self.members.append(member)
        self.checkpoints = list(checkpoints)
        self.weights = None if weights is None else list(weights)

    def init_weights(self) -> None:
        """Members keep their loaded weights (the Runner calls this)."""

    def member_ages(self,
                    inputs: torch.Tensor,
                    data_samples=None,
                    sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(K, N) ages of the K members."""
        return torch.stack([
            m(inputs, data_samples, sex, mode='tensor').float()
            for m in self.members
        ])

    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        return mean_age(self.member_ages(inputs, data_samples, sex),
                        self.weights)

    def loss(self, inputs, data_samples, sex) -> dict:
        raise RuntimeError('BoneAgeEnsemble is for testing; train the '
                           'members one by one')

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None
                ) -> List[BoneAgeDataSample]:
        ages = self.member_ages(inputs, data_samples, sex).detach().cpu()
        fused = mean_age(ages, self.weights)  # (N,)
        if data_samples is None:
            data_samples = [BoneAgeDataSample() for _ in range(ages.shape[1])]
        for i, sample in enumerate(data_samples):
            sample.set_pred_age(fused[i])
            sample.member_ages = ages[:, i]
        return data_samples
