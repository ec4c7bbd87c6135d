"""PRSNet's part branch: a second CNN on the selected crops."""
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS
from baa_mm.models.utils import crop_parts

__all__ = ['PartFeatureExtractor']


@MODELS.register_module()
class PartFeatureExtractor(BaseModule):
    """Crops → part CNN → pooled part features, plus one age per part.

    The part features of an image are summed into ``F_local`` by the
    estimator. Each part also predicts the (normalised) age on its own with
    a linear layer; that prediction defines the part's confidence for the
    ranking loss and is trained with :meth:`loss` (an addition the paper
    leaves implicit; NTS-Net trains its part classifiers the same way).

    Needs of its backbone: a ``feat_dim`` attribute (channels of its last
    output; mmpretrain's ``ResNet`` has it).

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
        if not hasattr(self.backbone, 'feat_dim'):
            name = type(self.backbone).__name__
            raise TypeError(
                'PartFeatureExtractor needs its backbone to provide feat_dim '
                f'(channels of its last output); {name} does not')
        self.crop_size = crop_size
        self.sampling_ratio = sampling_ratio
        #: F, the width of each part feature.
        self.feat_dim = int(self.backbone.feat_dim)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.age_fc = nn.Linear(self.feat_dim, 1)
        nn.init.normal_(self.age_fc.weight, std=0.01)
        nn.init.zeros_(self.age_fc.bias)
        self.loss_module = MODELS.build(loss)

    def crop(self, images: List[torch.Tensor],
             boxes: torch.Tensor) -> torch.Tensor:
        """N images (C, H_i, W_i) and (N, M, 4) boxes in their pixels →
        (N*M, C, S, S) float32 crops (see :func:`crop_parts`)."""
        return crop_parts(images, boxes, self.crop_size, self.sampling_ratio)

    def forward(self, crops: torch.Tensor,
                num_parts: int) -> Tuple[torch.Tensor, torch.Tensor]:
        feats = self.backbone(crops)
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        feats = self.pool(feats).flatten(1)
        ages = self.age_fc(feats).squeeze(1).float()
        n = crops.shape[0] // num_parts
        return feats.reshape(n, num_parts, -1), ages.reshape(n, num_parts)

    def loss(self, part_ages: torch.Tensor,
             targets: torch.Tensor) -> torch.Tensor:
        """Per-part regression loss: (N, M) normalised part ages against
        the (N,) normalised image targets."""
        num_parts = part_ages.shape[1]
        return self.loss_module(part_ages.reshape(-1),
                                targets.repeat_interleave(num_parts))
