"""Age classification over months with soft labels, and its CAMs."""
from typing import List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.models.utils import (class_activation_maps, expected_ages,
                                 soft_age_labels)

__all__ = ['SoftLabelCAMHead']


@MODELS.register_module()
class SoftLabelCAMHead(BaseModule):
    """Global pooling → one FC layer over C age classes (Chen et al.).

    Trained with cross-entropy against soft labels (a distribution over the
    classes centred on the true age, :func:`soft_age_labels`; the paper
    found one-hot labels did not converge). The FC weights turn the final
    feature maps into a class activation map (:meth:`cam`): global average
    pooling spreads the map over the whole hand (the paper's H region),
    global max pooling concentrates it (R1/R2).

    Args:
        in_channels (int): K, channels of the last feature map.
        num_classes (int): C, classes (months 0 .. C-1). Defaults to 240.
        pool (str): 'avg' (GAP) or 'max' (GMP).
        delta (float): Half-width of the soft label, in months (50).
        kernel (str): 'triangular' (default) or 'gaussian'.
        loss (dict): Loss on (logits, soft labels); mmpretrain's
            ``CrossEntropyLoss(use_soft=True)`` by default.

    Shapes:
        feats (N, K, h, w) (or a tuple, the last is used) → logits (N, C).
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int = 240,
                 pool: str = 'avg',
                 delta: float = 50.,
                 kernel: str = 'triangular',
                 loss: dict = dict(
                     _scope_='mmpretrain', type='CrossEntropyLoss',
                     use_soft=True),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01)) -> None:
        super().__init__(init_cfg=init_cfg)
        if pool not in ('avg', 'max'):
            raise ValueError(f"pool must be 'avg' or 'max', got {pool!r}")
        self.num_classes = num_classes
        self.pool = pool
        self.delta = delta
        self.kernel = kernel
        self.fc = nn.Linear(in_channels, num_classes)
        self.loss_module = MODELS.build(loss)

    @staticmethod
    def last_map(feats: Union[torch.Tensor, Tuple[torch.Tensor]]
                 ) -> torch.Tensor:
        """The (N, K, h, w) map the head pools (the last of a tuple)."""
        return feats[-1] if isinstance(feats, (tuple, list)) else feats

    def forward(self, feats) -> torch.Tensor:
        """(N, C) class logits."""
        x = self.last_map(feats)
        pooled = x.mean(dim=(2, 3)) if self.pool == 'avg' else x.amax(
            dim=(2, 3))
        return self.fc(pooled)

    def soft_labels(self, data_samples: List[BoneAgeDataSample],
                    device: torch.device) -> torch.Tensor:
        """(N, C) soft labels of the samples' ``gt_age``."""
        ages = torch.stack([s.gt_age for s in data_samples]).to(device)
        return soft_age_labels(ages, self.num_classes, self.delta,
                               self.kernel)

    def loss(self, feats, data_samples: List[BoneAgeDataSample]) -> dict:
        """``dict(loss_cls=...)``: the loss against the soft labels."""
        logits = self(feats).float()
        return dict(loss_cls=self.loss_module(
            logits, self.soft_labels(data_samples, logits.device)))

    def ages(self, logits: torch.Tensor) -> torch.Tensor:
        """(N,) predicted ages: the expectation over the classes."""
        return expected_ages(logits)

    def cam(self, feats, classes: torch.Tensor) -> torch.Tensor:
        """(N, h, w) class activation maps of ``classes`` (N,)."""
        return class_activation_maps(self.last_map(feats), self.fc.weight,
                                     classes)
