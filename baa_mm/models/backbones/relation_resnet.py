"""ResNet with PRSNet's part relation module inside its forward pass."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpretrain.models.backbones import ResNet

from baa_mm.registry import MODELS

__all__ = ['PartRelationModule', 'RelationResNet']


@MODELS.register_module()
class PartRelationModule(BaseModule):
    """``F = T(X) · σ(R(X)) + D(X)`` (PRSNet, Ji et al., Eq. 1).

    Three 1x1 convolutions of the level's feature map X give the relation
    map R, the trunk map T and the residual map D; all keep the channel
    count C, so F replaces X in the backbone. Each convolution is followed by
    a norm layer (not in the paper's equation; it keeps the from-scratch
    training of the CPU configs stable and folds into the conv at inference).

    Args:
        channels (int): C.
        norm_cfg (dict, optional): Norm after each 1x1 conv; None for none.

    Shapes:
        x: (N, C, H, W) → F: (N, C, H, W), relation σ(R): (N, C, H, W).
    """

    def __init__(self,
                 channels: int,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.channels = channels

        def conv():
            return ConvModule(
                channels, channels, 1, norm_cfg=norm_cfg, act_cfg=None)

        self.relation = conv()
        self.trunk = conv()
        self.residual = conv()

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Returns ``(F, σ(R))``."""
        relation = torch.sigmoid(self.relation(x))
        return self.trunk(x) * relation + self.residual(x), relation


@MODELS.register_module()
class RelationResNet(ResNet):
    """mmpretrain's ResNet with a :class:`PartRelationModule` after stages.

    PRSNet puts the module after res3, res4 and res5 (stage indices 1, 2, 3):
    the context representation F_i of a level is what the next stage
    receives, and the outputs at ``out_indices`` are F_i (X_i for stages
    without a module). ``relation_indices=()`` is a plain ResNet (the
    "w/o relation" ablation) with the same weights layout otherwise.

    Args:
        relation_indices (Sequence[int]): Stages followed by a relation
            module. Defaults to (1, 2, 3).
        relation_norm_cfg (dict, optional): Norm of the 1x1 convolutions.
        **kwargs: mmpretrain ``ResNet`` arguments (depth, in_channels,
            out_indices, ...).
    """

    def __init__(self,
                 relation_indices: Sequence[int] = (1, 2, 3),
                 relation_norm_cfg: Optional[dict] = dict(type='BN'),
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.relation_indices = tuple(relation_indices)
        num_stages = len(self.res_layers)
        for i in self.relation_indices:
            if not 0 <= i < num_stages:
                raise ValueError(f'relation index {i} outside the {num_stages}'
                                 ' stages')
        self.relations = nn.ModuleDict({
            str(i):
            PartRelationModule(
                self.stage_channels[i], norm_cfg=relation_norm_cfg)
            for i in self.relation_indices
        })

    @property
    def stage_channels(self) -> List[int]:
        """Output channels of every stage."""
        return [
            getattr(self, name)[-1].out_channels for name in self.res_layers
        ]

    def train(self, mode: bool = True) -> 'RelationResNet':
        """As mmpretrain's ResNet.train (frozen stages, norm_eval), but
        returning ``self`` like ``nn.Module.train``."""
        super().train(mode)
        return self

    @property
    def with_relation(self) -> bool:
        return len(self.relations) > 0

    @property
    def out_channels(self) -> List[int]:
        """Channels of each output (one per ``out_indices`` entry)."""
        channels = self.stage_channels
        return [channels[i] for i in self.out_indices]

    @property
    def map_names(self) -> List[str]:
        """Names of the maps ``forward(x, return_maps=True)`` returns:
        ``relation_res<k>`` per relation module (res3 = stage index 1)."""
        return [f'relation_res{i + 2}' for i in self.relation_indices]

    def forward(
        self,
        x: torch.Tensor,
        return_maps: bool = False
    ) -> Union[Tuple[torch.Tensor, ...], Tuple[Tuple[torch.Tensor, ...],
                                               Dict[str, torch.Tensor]]]:
        """Features at ``out_indices``.

        Args:
            x (Tensor): (N, C_in, H, W).
            return_maps (bool): Also return the relation maps σ(R_i)
                averaged over channels: ``{relation_res<k>: (N, H_i, W_i)}``.

        Returns:
            tuple[Tensor]: (N, C_i, H/2^(i+2), W/2^(i+2)) per out index, and
            the relation maps if asked.
        """
        if self.deep_stem:
            x = self.stem(x)
        else:
            x = self.relu(self.norm1(self.conv1(x)))
        x = self.maxpool(x)
        outs, maps = [], {}
        for i, layer_name in enumerate(self.res_layers):
            x = getattr(self, layer_name)(x)
            if str(i) in self.relations:
                x, relation = self.relations[str(i)](x)
                if return_maps:
                    maps[f'relation_res{i + 2}'] = \
                        relation.detach().float().mean(dim=1)
            if i in self.out_indices:
                outs.append(x)
        if return_maps:
            return tuple(outs), maps
        return tuple(outs)
