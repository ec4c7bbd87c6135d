"""Several ``backbone -> neck`` branches on one input, concatenated (the
backbone of :class:`~baa_mm.models.estimators.EarlyFusionRegressor`)."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS

__all__ = ['FusionBranches']


@MODELS.register_module()
class FusionBranches(BaseModule):
    """Several ``backbone → neck`` branches on one input, concatenated.

    Used as the backbone of :class:`EarlyFusionRegressor`.

    Args:
        branches (Sequence[dict]): One dict per branch with keys
            ``backbone`` (config), ``neck`` (config, optional) and
            ``out_channels`` (int, optional: the branch's feature size C_i;
            when absent, the neck's ``out_channels`` if it has an int one).
        init_cfg (dict, optional): Initialisation config.

    Shapes:
        x (N, C, H, W) → ((N, sum C_i), ); each branch's last output must
        be (N, C_i).
    """

    def __init__(self, branches: Sequence[dict],
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not branches:
            raise ValueError('FusionBranches needs at least one branch')
        self.backbones = nn.ModuleList()
        self.necks = nn.ModuleList()
        self.branch_channels: List[Optional[int]] = []
        for i, branch in enumerate(branches):
            unknown = set(branch) - {'backbone', 'neck', 'out_channels'}
            if 'backbone' not in branch or unknown:
                raise ValueError(
                    f'branch {i} must be dict(backbone=..., neck=..., '
                    f'out_channels=...), got keys {sorted(branch)}')
            self.backbones.append(MODELS.build(branch['backbone']))
            neck = branch.get('neck')
            self.necks.append(MODELS.build(neck) if neck is not None
                              else nn.Identity())
            declared = branch.get('out_channels')
            if declared is None:
                declared = getattr(self.necks[-1], 'out_channels', None)
            self.branch_channels.append(
                declared if isinstance(declared, int) else None)

    @property
    def out_channels(self) -> Optional[int]:
        """Sum of the branches' feature sizes, or None if one is unknown."""
        if any(c is None for c in self.branch_channels):
            return None
        return sum(self.branch_channels)

    def forward(self, x: torch.Tensor) -> tuple:
        """(N, C, H, W) → ((N, sum C_i), )."""
        feats = []
        for i, (backbone, neck) in enumerate(zip(self.backbones,
                                                 self.necks)):
            out = neck(backbone(x))
            out = out[-1] if isinstance(out, (tuple, list)) else out
            if out.dim() != 2:
                raise ValueError(
                    f'branch {i} ({type(backbone).__name__}) gives features '
                    f'of shape {tuple(out.shape)}; each branch must give '
                    'pooled (N, C) features: add a pooling neck, e.g. '
                    "dict(_scope_='mmpretrain', type='GlobalAveragePooling')")
            feats.append(out)
        return (torch.cat(feats, dim=1), )
