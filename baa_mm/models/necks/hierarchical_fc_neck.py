"""Hierarchical FC connections over multi-scale features (Nguyen & Kim).

Nguyen & Kim estimate bone age from whole-body CT with an ImageNet VGG-16
(with batch normalisation) whose **max-pooled outputs of blocks 3 and 4**
each feed an extra connection, ``flatten → FC (256 units) → ReLU →
dropout``; the two 256-d vectors are concatenated with the block-5 features
and a regression network of three FC layers (dropout after each) ends in
one linear output; there is no sex input.  They count the parameters of a
connection with Eq. 1, ``C·H·W·n_U + n_U`` (51,380,480 for block 3 and
25,690,368 for block 4 at 224 x 224), and suggest global pooling before the
connections to cut them: ``global_pool=True`` here.

The reading implemented:

- backbone: mmpretrain ``VGG(depth=16, norm_cfg=dict(type='BN'),
  out_indices=(2, 3, 4))``: stage outputs are taken *after* each stage's
  max pooling, so indices 2, 3, 4 are the pooled blocks 3, 4, 5 (strides
  8, 16, 32; with ``with_last_pool=False`` block 5 has stride 16).
- main path: the pooled block-5 map flattened as VGG's own classifier does
  (``main='flatten'``, 512·7·7 = 25,088 at 224), or ``main='gap'`` (512).
- regression network: :class:`BoneAgeRegressionHead` with
  ``hidden_dims=(1024, 512, 256)`` (the paper gives no widths; chosen to
  taper from the 25,600-d fused vector to one output), ``dropout=0.5``
  after each, ``sex_embed_dims=0`` (configs/_base_/models/
  hierarchical_vgg16_bn.py).  Side dropout 0.5.

The neck takes any tuple of multi-scale maps, so "connections on an
arbitrary backbone" is a config change (e.g. ResNet ``out_indices=(1, 2,
3)``, ``strides=(8, 16, 32)``, ``rounding='ceil'``).

Shapes (VGG-16-BN at 224 x 224, the defaults)::

    block 3 (N, 256, 28, 28) -> flatten (N, 200704) -> FC 256, ReLU, drop -+
    block 4 (N, 512, 14, 14) -> flatten (N, 100352) -> FC 256, ReLU, drop -+
    block 5 (N, 512,  7,  7) -> flatten (N,  25088) -----------------------+
                                                      concat -> (N, 25600)
"""
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS
from ..utils.fc_params import feature_map_sizes

__all__ = ['HierarchicalFCNeck']


@MODELS.register_module()
class HierarchicalFCNeck(BaseModule):
    """Side FC connections on earlier maps, concatenated with the last map.

    A flattened FC layer needs the map size at build time: it is computed
    from ``input_size`` and ``strides`` with
    :func:`~baa_mm.models.utils.feature_map_sizes` (``rounding`` 'floor'
    for VGG's max pooling, 'ceil' for ResNet's padded stride-2 layers), and
    :meth:`forward` fails naming the expected and actual shapes when the
    maps differ (e.g. a 299-pixel image into a neck built for 224).

    Args:
        in_channels (Sequence[int]): Channels of each input map, e.g.
            (256, 512, 512) for VGG-16 blocks 3, 4, 5.
        side_indices (Sequence[int], optional): Inputs that get a side
            connection; defaults to all but the last (the main path).
        side_units (int): Units n_U of each side FC. Defaults to 256.
        side_dropout (float): Dropout after each side FC's ReLU.
            Defaults to 0.5.
        global_pool (bool): False flattens the full map into the side FC
            (the paper); True average-pools it to (N, C) first.
        main (str): The last input: 'flatten' (VGG's classifier input) or
            'gap' (global average pooling).
        input_size (int | Sequence[int], optional): Image (H, W) (or H for
            a square) the model sees; needed when any path flattens.
        strides (Sequence[int], optional): Stride of each input map, e.g.
            (8, 16, 32); needed with ``input_size``.
        rounding (str): 'floor' or 'ceil', how the maps' sizes round.
        init_cfg (dict, optional): Defaults to None: PyTorch's fan-in
            scaled initialisation, which keeps a 200,704-input FC's outputs
            at the scale of its inputs.

    Shapes:
        feats: tuple of (N, C_i, h_i, w_i) → ((N, out_channels), ) with
        ``out_channels = len(side_indices) * side_units + D_main``,
        ``D_main = C_last * h_last * w_last`` ('flatten') or ``C_last``.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 side_indices: Optional[Sequence[int]] = None,
                 side_units: int = 256,
                 side_dropout: float = 0.5,
                 global_pool: bool = False,
                 main: str = 'flatten',
                 input_size: Optional[Union[int, Sequence[int]]] = None,
                 strides: Optional[Sequence[int]] = None,
                 rounding: str = 'floor',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = tuple(int(c) for c in in_channels)
        n = len(self.in_channels)
        if n < 1:
            raise ValueError('in_channels must name at least one input')
        if main not in ('flatten', 'gap'):
            raise ValueError(f"main must be 'flatten' or 'gap', got {main!r}")
        if side_indices is None:
            side_indices = range(n - 1)
        self.side_indices = tuple(int(i) % n for i in side_indices)
        if (n - 1) in self.side_indices or \
                len(set(self.side_indices)) != len(self.side_indices):
            raise ValueError(
                f'side_indices {tuple(side_indices)} must be distinct and '
                f'exclude the last input ({n - 1}, the main path)')
        self.global_pool = bool(global_pool)
        self.main = main
        self.side_units = int(side_units)
        self.input_size = input_size
        self.strides = None if strides is None else tuple(strides)
        self.rounding = rounding
        #: (h, w) of each input map (None without ``input_size``)
        self.map_sizes: Optional[List[Tuple[int, int]]] = None
        if input_size is not None:
            if self.strides is None or len(self.strides) != n:
                raise ValueError(
                    f'strides must give one stride per input ({n}) with '
                    f'input_size, got {strides}')
            self.map_sizes = feature_map_sizes(input_size, self.strides,
                                               rounding)
        elif not self.global_pool or main == 'flatten':
            raise ValueError(
                'a flattened path (global_pool=False or main="flatten") '
                'needs the map sizes: give input_size and strides')
        self.sides = nn.ModuleList(
            self._side(i, side_dropout) for i in self.side_indices)
        #: width D of the concatenated output (the head's in_channels)
        self.out_channels = len(self.side_indices) * self.side_units + \
            self._flat_dims(n - 1, self.main == 'flatten')

    def _flat_dims(self, i: int, flatten: bool) -> int:
        """Inputs of input ``i``'s path: C·h·w flattened, else C."""
        if not flatten:
            return self.in_channels[i]
        h, w = self.map_sizes[i]
        return self.in_channels[i] * h * w

    def _side(self, i: int, dropout: float) -> nn.Sequential:
        """``[avg pool] → flatten → Linear → ReLU → [Dropout]``."""
        layers: List[nn.Module] = []
        if self.global_pool:
            layers.append(nn.AdaptiveAvgPool2d(1))
        layers += [nn.Flatten(1),
                   nn.Linear(self._flat_dims(i, not self.global_pool),
                             self.side_units),
                   nn.ReLU(inplace=True)]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        return nn.Sequential(*layers)

    @staticmethod
    def _run_side(side: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
        """A side connection; in fp32 on CPU even under bf16 autocast.

        Measured with torch 2.14 on an AVX512-BF16 CPU without AMX: a bf16
        ``Linear(49152, 256)`` (block 3 of VGG at 192 x 64) died with a
        floating point exception, and inside a training step the flattened
        connections made a step more than 10x slower than in fp32 (1.2 s
        with them in fp32, batch 32). CUDA keeps
        autocast's dtype.
        """
        if x.device.type != 'cpu' or not torch.is_autocast_enabled('cpu'):
            return side(x)
        with torch.autocast('cpu', enabled=False):
            return side(x.float())

    def connection_param_counts(self) -> dict:
        """Parameters of each side connection, ``{'side_<input index>':
        n}`` (Eq. 1, :func:`~baa_mm.models.utils.side_connection_params`),
        counted on the built layers."""
        return {f'side_{i}': sum(p.numel() for p in side.parameters())
                for i, side in zip(self.side_indices, self.sides)}

    def _check(self, x: torch.Tensor, i: int, flatten: bool) -> torch.Tensor:
        """Fail naming the expected and actual (C, h, w) of input ``i``."""
        role = 'main path' if i == len(self.in_channels) - 1 else \
            'side connection'
        if x.dim() != 4:
            raise ValueError(f'HierarchicalFCNeck input {i} ({role}) must be '
                             f'an (N, C, h, w) map, got {tuple(x.shape)}')
        actual = tuple(x.shape[1:])
        if flatten:
            expected = (self.in_channels[i], *self.map_sizes[i])
            if actual != expected:
                raise ValueError(
                    f'HierarchicalFCNeck input {i} ({role}) is {actual} '
                    f'(C, h, w) but {expected} was expected from '
                    f'input_size={self.input_size}, stride '
                    f'{self.strides[i]}, rounding={self.rounding!r}; set '
                    'input_size/strides/rounding to what the backbone sees')
        elif actual[0] != self.in_channels[i]:
            raise ValueError(
                f'HierarchicalFCNeck input {i} ({role}) has {actual[0]} '
                f'channels, expected in_channels[{i}]={self.in_channels[i]}')
        return x

    def forward(self, feats: Union[torch.Tensor, Sequence[torch.Tensor]]
                ) -> Tuple[torch.Tensor]:
        """Concatenate the side connections and the main path.

        Args:
            feats (Sequence[Tensor]): (N, C_i, h_i, w_i) maps, one per
                ``in_channels`` entry (a backbone's multi-scale outputs).

        Returns:
            tuple[Tensor]: ``((N, out_channels), )``: side outputs in
            ``side_indices`` order, then the main path.
        """
        if not isinstance(feats, (tuple, list)):
            feats = (feats, )
        n = len(self.in_channels)
        if len(feats) != n:
            raise ValueError(f'HierarchicalFCNeck expects {n} input maps '
                             f'(in_channels={self.in_channels}), got '
                             f'{len(feats)}; check the backbone out_indices')
        outs = [self._run_side(side, self._check(feats[i], i,
                                                 not self.global_pool))
                for i, side in zip(self.side_indices, self.sides)]
        last = self._check(feats[-1], n - 1, self.main == 'flatten')
        outs.append(last.flatten(1) if self.main == 'flatten' else
                    last.mean(dim=(2, 3)))
        return (torch.cat(outs, dim=1), )
