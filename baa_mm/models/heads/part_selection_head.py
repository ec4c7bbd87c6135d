"""PRSNet's part selection module: score anchors, NMS, keep the top M."""
from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS, TASK_UTILS
from baa_mm.models.utils import anchor_levels, select_top_parts

__all__ = ['PartSelectionHead']


@MODELS.register_module()
class PartSelectionHead(BaseModule):
    """Score every anchor of every level; select M non-overlapping parts.

    Anchors come from mmdet's ``AnchorGenerator`` (one generator level per
    feature level; FPN convention: the low-level, high-resolution map scores
    the small anchors). Each level's context representation F_i regresses
    one score per anchor with a small conv head (``3x3 conv → ReLU → 1x1
    conv`` to A_i channels; ``feat_channels=0`` is a single 1x1 conv). The
    scores are ordered like mmdet's ``grid_priors`` output: level by level,
    row-major locations, the A_i base anchors innermost.

    Args:
        in_channels (Sequence[int]): Channels of each level's features.
        anchor_generator (dict): mmdet anchor generator config.
        num_parts (int): M, the parts kept. Defaults to 3 (published).
        iou_thr (float): NMS IoU threshold. Defaults to 0.25 (NTS-Net).
        pre_nms_topk (int): Candidates per image before NMS.
        feat_channels (int): Hidden channels of the score convs.

    Shapes:
        feats: tuple of (N, C_i, H_i, W_i) → scores (N, sum_i H_i W_i A_i).
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        anchor_generator: dict = dict(
            _scope_='mmdet',
            type='AnchorGenerator',
            strides=[8, 16, 32],
            ratios=[0.5, 1.0, 2.0],
            scales=[6, 8]),
        num_parts: int = 3,
        iou_thr: float = 0.25,
        pre_nms_topk: int = 1000,
        feat_channels: int = 128,
        init_cfg=dict(type='Normal', layer='Conv2d', std=0.01)
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        self.prior_generator = TASK_UTILS.build(anchor_generator)
        self.in_channels = list(in_channels)
        if len(self.in_channels) != self.prior_generator.num_levels:
            raise ValueError(
                f'{len(self.in_channels)} feature levels but the anchor '
                f'generator has {self.prior_generator.num_levels} strides')
        if num_parts < 1:
            raise ValueError(f'num_parts must be >= 1, got {num_parts}')
        self.num_parts = num_parts
        self.iou_thr = iou_thr
        self.pre_nms_topk = pre_nms_topk
        self.scorers = nn.ModuleList()
        for c, a in zip(self.in_channels,
                        self.prior_generator.num_base_anchors):
            if feat_channels > 0:
                self.scorers.append(
                    nn.Sequential(
                        nn.Conv2d(c, feat_channels, 3, padding=1),
                        nn.ReLU(inplace=True), nn.Conv2d(feat_channels, a, 1)))
            else:
                self.scorers.append(nn.Conv2d(c, a, 1))
        self._anchor_cache: Dict[tuple, torch.Tensor] = {}

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """(N, A) anchor scores of all levels."""
        if len(feats) != len(self.scorers):
            raise ValueError(f'expected {len(self.scorers)} feature levels, '
                             f'got {len(feats)}')
        scores = []
        for feat, scorer in zip(feats, self.scorers):
            s = scorer(feat)  # (N, A_i, H_i, W_i)
            scores.append(s.permute(0, 2, 3, 1).reshape(s.shape[0], -1))
        return torch.cat(scores, dim=1)

    def anchors(self, featmap_sizes: Sequence[Tuple[int, int]],
                device) -> torch.Tensor:
        """(A, 4) anchors of all levels from mmdet's generator (cached)."""
        key = (tuple(tuple(s) for s in featmap_sizes), str(device))
        if key not in self._anchor_cache:
            self._anchor_cache[key] = torch.cat(
                self.prior_generator.grid_priors(featmap_sizes, device=device))
        return self._anchor_cache[key]

    def select(
        self, feats: Sequence[torch.Tensor], img_shapes: Sequence[Tuple[int,
                                                                        int]]
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Score anchors and keep M per image.

        Args:
            feats (Sequence[Tensor]): Per-level (N, C_i, H_i, W_i).
            img_shapes (Sequence[tuple]): N ``(h, w)`` in input pixels.

        Returns:
            tuple: ``boxes`` (N, M, 4) in input pixels, ``part_scores``
            (N, M) (differentiable), ``all_scores`` (N, A) and ``levels``
            (N, M) int64: the feature level each part was scored on (0 =
            the first of ``feats``).
        """
        all_scores = self(feats)
        sizes = [f.shape[-2:] for f in feats]
        anchors = self.anchors(sizes, all_scores.device)
        boxes, idx = select_top_parts(anchors, all_scores, img_shapes,
                                      self.num_parts, self.iou_thr,
                                      self.pre_nms_topk)
        part_scores = all_scores.gather(1, idx).float()
        level_sizes = [h * w * a for (h, w), a in zip(
            sizes, self.prior_generator.num_base_anchors)]
        return boxes, part_scores, all_scores, anchor_levels(idx, level_sizes)
