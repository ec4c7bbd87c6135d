"""PRSNet's part branch: a second CNN on the selected crops."""
from typing import List, Optional, Sequence, Tuple

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

    **Which stage gives a part its feature.** The paper: "each anchor is
    used to extract a feature vector on the corresponding layer (res3, res4
    or res5) of another ResNet-34". With ``part_levels`` (the paper's
    reading) a part scored on selection level ``l`` takes the pooled output
    ``part_levels[l]`` of the part CNN (whose ``out_indices`` then return
    res3, res4 and res5); outputs narrower than F, the last output's width,
    are brought to F by a learnt linear map per output (``level_proj``;
    the last output is used as is), so that the parts can be summed into
    ``F_local``. The paper does not say how widths are matched; a linear
    map is the smallest learnt choice. ``part_levels=None`` gives every
    part the last output (res5), whatever its level.

    Needs of its backbone: a ``feat_dim`` attribute (channels of its last
    output; mmpretrain's ``ResNet`` has it).

    Args:
        backbone (dict): Part CNN config (e.g. mmpretrain ResNet-34 with
            ``out_indices=(3, )``).
        crop_size (int): Side S of the resized crops. Defaults to 112.
        sampling_ratio (int): RoIAlign samples per bin and axis when
            cropping (0: adaptive, an average over every source pixel).
        loss (dict): Per-part regression loss on normalised ages.
        part_levels (Sequence[int], optional): For each selection level, the
            index of the part CNN output its parts take (e.g. ``(0, 1, 2)``
            with ``out_indices=(1, 2, 3)``). None: the last output for all.

    Shapes:
        crops (N*M, C, S, S) [+ levels (N, M)] → feats (N, M, F),
        ages (N, M).
    """

    def __init__(self,
                 backbone: dict,
                 crop_size: int = 112,
                 sampling_ratio: int = 0,
                 loss: dict = dict(
                     _scope_='mmdet', type='L1Loss', loss_weight=1.0),
                 part_levels: Optional[Sequence[int]] = None,
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
        self.part_levels = None if part_levels is None else \
            tuple(int(i) for i in part_levels)
        self.level_proj = None
        if self.part_levels is not None:
            widths = self._output_widths()
            bad = [i for i in self.part_levels
                   if not -len(widths) <= i < len(widths)]
            if bad or widths[-1] != self.feat_dim:
                raise ValueError(
                    f'part_levels {self.part_levels} must index the part '
                    f'CNN outputs (widths {widths}; the last must be '
                    f'feat_dim={self.feat_dim})')
            self.level_proj = nn.ModuleList([
                nn.Identity() if c == self.feat_dim else
                nn.Linear(c, self.feat_dim) for c in widths])
        self.age_fc = nn.Linear(self.feat_dim, 1)
        nn.init.normal_(self.age_fc.weight, std=0.01)
        nn.init.zeros_(self.age_fc.bias)
        self.loss_module = MODELS.build(loss)

    def _output_widths(self) -> List[int]:
        """Channels of each backbone output (one small forward pass)."""
        conv = next(m for m in self.backbone.modules()
                    if isinstance(m, nn.Conv2d))
        was_training = self.backbone.training
        self.backbone.eval()
        with torch.no_grad():
            outs = self.backbone(torch.zeros(1, conv.in_channels,
                                             self.crop_size, self.crop_size))
        self.backbone.train(was_training)
        if not isinstance(outs, (tuple, list)):
            outs = [outs]
        return [int(o.shape[1]) for o in outs]

    def crop(self, images: List[torch.Tensor],
             boxes: torch.Tensor) -> torch.Tensor:
        """N images (C, H_i, W_i) and (N, M, 4) boxes in their pixels →
        (N*M, C, S, S) float32 crops (see :func:`crop_parts`)."""
        return crop_parts(images, boxes, self.crop_size, self.sampling_ratio)

    def forward(self, crops: torch.Tensor, num_parts: int,
                levels: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Part features and ages.

        Args:
            crops (Tensor): (N*M, C, S, S) normalised crops, image-major.
            num_parts (int): M.
            levels (Tensor, optional): (N, M) selection level of each part;
                needed with ``part_levels``.

        Returns:
            tuple: feats (N, M, F) and normalised ages (N, M) float32.
        """
        outs = self.backbone(crops)
        if not isinstance(outs, (tuple, list)):
            outs = [outs]
        if self.part_levels is None:
            feats = self.pool(outs[-1]).flatten(1)
        else:
            if levels is None:
                raise ValueError('part_levels is set: forward needs the '
                                 "parts' selection levels")
            # (L_out, N*M, F): every output pooled and brought to F, then
            # each part picks the output of its level
            pooled = torch.stack([
                proj(self.pool(o).flatten(1))
                for proj, o in zip(self.level_proj, outs)])
            table = torch.as_tensor(self.part_levels, device=crops.device)
            which = table[levels.reshape(-1).to(crops.device)] % len(outs)
            feats = pooled[which, torch.arange(len(which),
                                               device=crops.device)]
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
