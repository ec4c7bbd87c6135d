"""PRSNet's part branch: a second CNN on the selected crops."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS

__all__ = ['PartFeatureExtractor']


@MODELS.register_module()
class PartFeatureExtractor(BaseModule):
    """Part CNN → pooled part features, plus one age predictor per part.

    The part features of an image are summed into ``F_local`` by the
    estimator. Each part also predicts the (normalised) age on its own with
    a linear layer; that prediction defines the part's confidence for the
    ranking loss and is trained with ``loss`` (an addition the paper leaves
    implicit; NTS-Net trains its part classifiers the same way).

    Args:
        backbone (dict): Part CNN config (e.g. mmpretrain ResNet-34 with
            ``out_indices=(3, )``).
        crop_size (int): Side S of the resized crops. Defaults to 112.
        sampling_ratio (int): RoIAlign samples per bin and axis when
            cropping (0: adaptive, an average over every source pixel).
        loss (dict): Per-part regression loss on normalised ages.

    Shapes:
        crops (N*M, C, S, S) → feats (N, M, F), ages (N, M).
    """

    def __init__(self,
                 backbone: dict,
                 crop_size: int = 112,
                 sampling_ratio: int = 0,
                 loss: dict = dict(
                     _scope_='mmdet', type='L1Loss', loss_weight=1.0),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.crop_size = crop_size
        self.sampling_ratio = sampling_ratio
        self.feat_dim = int(getattr(self.backbone, 'feat_dim'))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.age_fc = nn.Linear(self.feat_dim, 1)
        nn.init.normal_(self.age_fc.weight, std=0.01)
        nn.init.zeros_(self.age_fc.bias)
        self.loss_module = MODELS.build(loss)

    def forward(self, crops: torch.Tensor,
                num_parts: int) -> Tuple[torch.Tensor, torch.Tensor]:
        feats = self.backbone(crops)
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        feats = self.pool(feats).flatten(1)
        ages = self.age_fc(feats).squeeze(1).float()
        n = crops.shape[0] // num_parts
        return feats.reshape(n, num_parts, -1), ages.reshape(n, num_parts)
