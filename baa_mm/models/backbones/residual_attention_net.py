"""Residual Attention Network (Wang et al., CVPR 2017) as a backbone.

Used by the segment-then-regress method of Wu et al. ("Residual Attention
Based Network for Hand Bone Age Assessment"): three attention stages with
(1, 2, 3) modules (Att1_1; Att2_1, Att2_2; Att3_1, Att3_2, Att3_3) as in
Attention-92; ``stage_modules=(1, 1, 1)`` is Attention-56.

The paper's "without Att3_2 and Att3_3" ablation has two readings:
``stage_modules=(1, 2, 1)`` removes the two modules (the network is shallower
too), ``mask_free=('Att3_2', 'Att3_3')`` keeps them and removes only their
soft mask branches (``x' = T(x)``: same depth, no attention). The paper's
sentence ("without Att3_2 and Att3_3") names the modules, not their masks,
so the first reading is the literal one; the second isolates attention.

Each attention module: ``p`` pre-activation residual units, then a trunk
branch T (``t`` units) and a soft mask branch M (bottom-up max-pooling with
``r`` units per level, skip connections, top-down bilinear upsampling, two
1x1 convs and a sigmoid), combined as ``x' = T(x) * (1 + M(x))`` (attention
residual learning), then ``p`` units. The maps drawn for pictures are M(x)
after the sigmoid by default (``map_stage='logit'``: before it).
"""
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from baa_mm.registry import MODELS

__all__ = ['PreActBottleneck', 'AttentionModule', 'ResidualAttentionNet']

#: What ``return_maps`` gives per module: the soft mask after the sigmoid
#: (in [0, 1]) or its logits.
MAP_STAGES = ('sigmoid', 'logit')


class PreActBottleneck(BaseModule):
    """Pre-activation bottleneck residual unit (BN-ReLU-conv x 3).

    Shapes:
        (N, C_in, H, W) → (N, C_out, H / stride, W / stride).
    """

    def __init__(self, in_channels: int, out_channels: int,
                 stride: int = 1) -> None:
        super().__init__()
        mid = max(out_channels // 4, 1)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, mid, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, out_channels, 1, bias=False)
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride,
                                      bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = F.relu(self.bn1(x))
        identity = x if self.shortcut is None else self.shortcut(pre)
        out = self.conv1(pre)
        out = self.conv2(F.relu(self.bn2(out)))
        out = self.conv3(F.relu(self.bn3(out)))
        return out + identity


def _units(channels: int, n: int) -> nn.Sequential:
    return nn.Sequential(*[PreActBottleneck(channels, channels)
                           for _ in range(n)])


@MODELS.register_module()
class AttentionModule(BaseModule):
    """``x' = T(x) * (1 + M(x))`` with an hourglass soft mask branch.

    Args:
        channels (int): C (kept).
        mask_depth (int): Max-pooling steps of the mask branch (3, 2, 1 in
            stages 1, 2, 3 of the paper at 224 px).
        p (int): Residual units before and after the branches.
        t (int): Trunk residual units.
        r (int): Residual units per mask-branch level.
        with_mask (bool): Build the soft mask branch. False gives
            ``x' = T(x)`` (the trunk alone, same depth): the "attention
            removed, module kept" ablation.

    Shapes:
        x (N, C, H, W) → (out (N, C, H, W), mask logits (N, C, H, W), or
        None without the mask branch).
    """

    def __init__(self, channels: int, mask_depth: int = 1, p: int = 1,
                 t: int = 2, r: int = 1, with_mask: bool = True) -> None:
        super().__init__()
        if mask_depth < 1:
            raise ValueError(f'mask_depth must be >= 1, got {mask_depth}')
        self.pre = _units(channels, p)
        self.trunk = _units(channels, t)
        self.post = _units(channels, p)
        self.with_mask = with_mask
        if not with_mask:
            return
        self.down = nn.ModuleList([_units(channels, r)
                                   for _ in range(mask_depth)])
        self.skips = nn.ModuleList([PreActBottleneck(channels, channels)
                                    for _ in range(mask_depth - 1)])
        self.bottom = _units(channels, r)
        self.up = nn.ModuleList([_units(channels, r)
                                 for _ in range(mask_depth - 1)])
        self.mask_out = nn.Sequential(
            nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 1, bias=False),
            nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 1))

    def mask(self, x: torch.Tensor) -> torch.Tensor:
        """Soft mask M(x), (N, C, H, W) in [0, 1]."""
        return torch.sigmoid(self.mask_logits(x))

    def mask_logits(self, x: torch.Tensor) -> torch.Tensor:
        """The soft mask before its sigmoid, (N, C, H, W)."""
        if not self.with_mask:
            raise RuntimeError('this AttentionModule has no mask branch '
                               '(with_mask=False)')
        skips, sizes = [], []
        m = x
        for level, down in enumerate(self.down):
            sizes.append(m.shape[-2:])
            m = down(F.max_pool2d(m, 3, 2, 1))
            if level < len(self.skips):
                skips.append(self.skips[level](m))
        m = self.bottom(m)
        for up, skip, size in zip(self.up, reversed(skips),
                                  reversed(sizes[1:])):
            m = up(F.interpolate(m, size=size, mode='bilinear',
                                 align_corners=False) + skip)
        m = F.interpolate(m, size=sizes[0], mode='bilinear',
                          align_corners=False)
        return self.mask_out(m)

    def forward(self, x: torch.Tensor
                ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        x = self.pre(x)
        trunk = self.trunk(x)
        if not self.with_mask:
            return self.post(trunk), None
        logits = self.mask_logits(x)
        return self.post(trunk * (1 + torch.sigmoid(logits))), logits


@MODELS.register_module()
class ResidualAttentionNet(BaseModule):
    """Residual Attention Network backbone.

    ``stem (7x7/2 conv, 3x3/2 max-pool) → unit → stage 1 attention modules →
    unit /2 → stage 2 → unit /2 → stage 3 → 3 units (first /2) → BN-ReLU``.
    Stage widths are ``base_channels * 4 * 2**i`` (256, 512, 1024, 2048 for
    base 64, as in the paper).

    Args:
        stage_modules (Sequence[int]): Attention modules per stage.
            Defaults to (1, 2, 3) (Attention-92, the paper's network).
        mask_depths (Sequence[int]): Mask-branch depth per stage.
        base_channels (int): Stem width. Defaults to 64.
        in_channels (int): Image channels. Defaults to 1.
        out_indices (Sequence[int]): Stages returned (0-3, 3 = the last
            units). Defaults to (3, ).
        p, t, r (int): Attention module unit counts (paper: 1, 2, 1).
        mask_free (Sequence[str]): Modules (``'Att3_2'``, ...) built
            without their soft mask branch (``x' = T(x)``). Defaults to ().
        map_stage (str): What ``return_maps`` gives: ``'sigmoid'`` (M(x)
            in [0, 1], default) or ``'logit'`` (before the sigmoid, which
            shows contrast where the sigmoid saturates).

    Shapes:
        x (N, C_in, H, W) → tuple of (N, C_i, H / 2**(i+2), W / 2**(i+2))
        (stage 3: H / 32); with ``return_maps`` also a dict with one
        (N, h, w) channel-mean soft mask per attention module that has one.
    """

    def __init__(self,
                 stage_modules: Sequence[int] = (1, 2, 3),
                 mask_depths: Sequence[int] = (3, 2, 1),
                 base_channels: int = 64,
                 in_channels: int = 1,
                 out_indices: Sequence[int] = (3, ),
                 p: int = 1,
                 t: int = 2,
                 r: int = 1,
                 mask_free: Sequence[str] = (),
                 map_stage: str = 'sigmoid',
                 init_cfg: Optional[Union[dict, List[dict]]] = [
                     dict(type='Kaiming', layer='Conv2d'),
                     dict(type='Constant', val=1, layer='BatchNorm2d')
                 ]) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(stage_modules) != 3 or len(mask_depths) != 3:
            raise ValueError('stage_modules and mask_depths need 3 entries')
        for i in out_indices:
            if not 0 <= i <= 3:
                raise ValueError(f'out index {i} not in 0..3')
        if map_stage not in MAP_STAGES:
            raise ValueError(f'map_stage must be one of {MAP_STAGES}, got '
                             f'{map_stage!r}')
        self.map_stage = map_stage
        self.out_indices = tuple(out_indices)
        self.stage_modules = tuple(stage_modules)
        unknown = sorted(set(mask_free) - set(self.module_names))
        if unknown:
            raise ValueError(f'mask_free names {unknown} are not modules of '
                             f'stage_modules={self.stage_modules} (those '
                             f'are {self.module_names})')
        self.mask_free = tuple(mask_free)
        names = iter(self.module_names)
        widths = [base_channels * 4 * 2**i for i in range(4)]
        self.widths = widths
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, base_channels, 7, 2, 3, bias=False),
            nn.BatchNorm2d(base_channels), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1))
        self.entries = nn.ModuleList()
        self.stages = nn.ModuleList()
        in_ch = base_channels
        for i in range(3):
            self.entries.append(
                PreActBottleneck(in_ch, widths[i], stride=1 if i == 0 else 2))
            self.stages.append(nn.ModuleList([
                AttentionModule(widths[i], mask_depths[i], p, t, r,
                                with_mask=next(names) not in self.mask_free)
                for _ in range(stage_modules[i])
            ]))
            in_ch = widths[i]
        self.last = nn.Sequential(
            PreActBottleneck(widths[2], widths[3], stride=2),
            PreActBottleneck(widths[3], widths[3]),
            PreActBottleneck(widths[3], widths[3]))
        self.last_norm = nn.Sequential(nn.BatchNorm2d(widths[3]),
                                       nn.ReLU(inplace=True))
        self.feat_dim = widths[3]

    @property
    def module_names(self) -> List[str]:
        """``Att<stage>_<k>`` names in forward order (the paper's)."""
        return [f'Att{i + 1}_{k + 1}'
                for i, n in enumerate(self.stage_modules) for k in range(n)]

    @property
    def map_names(self) -> List[str]:
        """Names of the maps ``forward(x, return_maps=True)`` returns (the
        estimators' map protocol): one per attention module with a mask
        branch."""
        return [n for n in self.module_names if n not in self.mask_free]

    def forward(self, x: torch.Tensor, return_maps: bool = False):
        """Features at ``out_indices`` and, with ``return_maps``, a dict
        ``{Att<s>_<k>: (N, h, w)}`` of the soft masks M(x) (after the
        sigmoid, or before it with ``map_stage='logit'``; averaged over
        channels, detached)."""
        outs, masks = [], {}
        names = iter(self.module_names)
        x = self.stem(x)
        for i in range(3):
            x = self.entries[i](x)
            for module in self.stages[i]:
                x, logits = module(x)
                name = next(names)
                if return_maps and logits is not None:
                    m = logits.detach().float()
                    if self.map_stage == 'sigmoid':
                        m = torch.sigmoid(m)
                    masks[name] = m.mean(dim=1)
            if i in self.out_indices:
                outs.append(x)
        x = self.last_norm(self.last(x))
        if 3 in self.out_indices:
            outs.append(x)
        if return_maps:
            return tuple(outs), masks
        return tuple(outs)
