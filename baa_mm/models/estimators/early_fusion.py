"""Early fusion: several backbones, their features concatenated, one head.

Nguyen & Kim compare their hierarchical VGG with an *early fusion* of
ImageNet networks (VGG-16, Inception-v3, ResNet-50): each network's pooled
features are concatenated and one regression network predicts the age.

The reading implemented: every branch sees the **same** input tensor (the
paper feeds each network its own input size, 224 or 299; one model has one
input, so configs choose one size every backbone accepts, e.g. 299, and
the shared data preprocessor normalises it once).  Each branch is
``backbone → optional neck`` and must give pooled (N, C_i) features; the
fused (N, sum C_i) vector goes to one :class:`BoneAgeRegressionHead`.

Shapes::

    x (N, C, H, W) ─┬─ backbone_0 → neck_0 → (N, C_0) ─┐
                    ├─ backbone_1 → neck_1 → (N, C_1) ─┼─ concat (N, ΣC_i)
                    └─ backbone_2 → neck_2 → (N, C_2) ─┘      → head → (N,)
"""
from typing import Optional, Sequence

import torch

from baa_mm.registry import MODELS
from .regressor import BoneAgeRegressor

__all__ = ['EarlyFusionRegressor']


@MODELS.register_module()
class EarlyFusionRegressor(BoneAgeRegressor):
    """Branches on the same image, features concatenated, one head.

    A :class:`BoneAgeRegressor` whose backbone is
    :class:`~baa_mm.models.backbones.FusionBranches`
    (``self.backbone.backbones[i]``, ``self.backbone.necks[i]``), so the
    modes ``tensor``, ``loss`` and ``predict`` are the regressor's.
    Backbone maps (``pred_maps``) are not collected.

    Needs of its parts: the head is a :class:`BoneAgeRegressionHead` with
    ``in_channels``; ``head.in_channels`` must equal the sum of the
    branches' feature sizes: checked at build time when every branch
    declares its size (``out_channels`` in the branch dict, or a neck with
    an int ``out_channels``), and on the first batch otherwise.

    Args:
        branches (Sequence[dict]): ``dict(backbone=..., neck=...,
            out_channels=...)`` per branch (see :class:`FusionBranches`).
        head (dict): Head config (``in_channels`` = sum of C_i).
        data_preprocessor (dict, optional): Defaults to
            ``BoneAgeDataPreprocessor``.
        channels_last (bool): Channels-last memory format.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 branches: Sequence[dict],
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 channels_last: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            backbone=dict(type='FusionBranches', branches=list(branches)),
            head=head, neck=None, data_preprocessor=data_preprocessor,
            channels_last=channels_last, init_cfg=init_cfg)
        declared = self.backbone.out_channels
        if declared is not None:
            self._check_width(declared)

    def _check_width(self, width: int) -> None:
        """Fail unless the fused width equals ``head.in_channels``."""
        expected = getattr(self.head, 'in_channels', width)
        if width != expected:
            parts = ' + '.join('?' if c is None else str(c)
                               for c in self.backbone.branch_channels)
            raise ValueError(
                f'EarlyFusionRegressor: head.in_channels={expected} but the '
                f'branches give {width} features (declared: {parts}); set '
                'head.in_channels to their sum')

    def _feats_and_maps(self, inputs: torch.Tensor, with_maps: bool = False):
        feats, maps = super()._feats_and_maps(inputs, with_maps=False)
        self._check_width(feats[-1].shape[1])
        return feats, maps
