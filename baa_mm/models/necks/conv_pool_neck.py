"""A convolution and a global pooling on the last feature map."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from baa_mm.registry import MODELS

__all__ = ['ConvPoolNeck']


@MODELS.register_module()
class ConvPoolNeck(BaseModule):
    """``conv (k x k) → norm → ReLU → global max (or average) pooling``.

    Phase II of Chen et al. puts "a convolution → max pooling" between the
    Xception trunk and the FC layers; the paper gives no width, so it is a
    config value.

    Args:
        in_channels (int): Channels of the last feature map.
        out_channels (int): Channels of the convolution (the pooled width).
        kernel_size (int): Convolution size. Defaults to 3.
        pool (str): 'max' (the paper's) or 'avg'.
        norm_cfg (dict, optional): Norm after the conv; None for none.

    Shapes:
        feats (N, C, h, w) (or a tuple, the last is used) → ((N, out), ).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 512,
                 kernel_size: int = 3,
                 pool: str = 'max',
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if pool not in ('max', 'avg'):
            raise ValueError(f"pool must be 'max' or 'avg', got {pool!r}")
        self.conv = ConvModule(in_channels, out_channels, kernel_size,
                               padding=kernel_size // 2, norm_cfg=norm_cfg)
        self.pool = nn.AdaptiveMaxPool2d(1) if pool == 'max' else \
            nn.AdaptiveAvgPool2d(1)

    def forward(self, feats: Union[torch.Tensor, Sequence[torch.Tensor]]
                ) -> Tuple[torch.Tensor]:
        x = feats[-1] if isinstance(feats, (tuple, list)) else feats
        return (self.pool(self.conv(x)).flatten(1), )
