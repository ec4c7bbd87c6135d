"""Sizes of flattened fully connected connections (pure integer maths).

Nguyen & Kim's hierarchical VGG flattens the pooled outputs of VGG blocks
3 and 4 into 256-unit FC layers and counts the parameters of such a
connection with their Eq. 1::

    n_params = C * H * W * n_U + n_U        (weights + biases)

for a (C, H, W) map and n_U units: 256 * 28 * 28 * 256 + 256 = 51,380,480
(block 3 at 224 x 224) and 512 * 14 * 14 * 256 + 256 = 25,690,368
(block 4).  Global pooling first makes H = W = 1.

A flattened FC layer needs the map size when it is built, so
:func:`feature_map_sizes` computes it from the input size and the stride of
each map.  A chain of stride-2 layers rounds at each step; successive
halvings round like one division (``floor(floor(x / 2) / 2) ==
floor(x / 4)``, and the same for ceil), so one rounding rule per backbone
suffices:

- ``'floor'``: max pooling with ``ceil_mode=False`` (mmpretrain's and
  torchvision's VGG): 299 -> 149 -> 74 -> 37 -> 18 -> 9.
- ``'ceil'``: stride-2 convolutions / poolings padded by half the kernel
  (ResNet's stem and stages, VGG with ``ceil_mode=True``): 299 -> 150 ->
  75 -> 38 -> 19 -> 10.
"""
from typing import List, Sequence, Tuple, Union

__all__ = ['side_connection_params', 'feature_map_sizes']


def side_connection_params(c: int, h: int, w: int, units: int) -> int:
    """Eq. 1: parameters of an FC layer on a flattened (c, h, w) map.

    Args:
        c (int): Channels C.
        h (int): Map height H (1 after global pooling).
        w (int): Map width W (1 after global pooling).
        units (int): FC units n_U.

    Returns:
        int: ``c * h * w * units + units``.
    """
    for name, v in (('c', c), ('h', h), ('w', w), ('units', units)):
        if int(v) != v or v < 1:
            raise ValueError(f'{name} must be a positive integer, got {v!r}')
    return int(c) * int(h) * int(w) * int(units) + int(units)


def feature_map_sizes(input_size: Union[int, Sequence[int]],
                      strides: Sequence[int],
                      rounding: str = 'floor') -> List[Tuple[int, int]]:
    """(h, w) of the maps a backbone makes at the given strides.

    Args:
        input_size (int | Sequence[int]): Image size H (square) or (H, W).
        strides (Sequence[int]): Total stride of each map, e.g. (8, 16, 32)
            for the pooled outputs of VGG blocks 3, 4 and 5.
        rounding (str): 'floor' or 'ceil' (see the module docstring).

    Returns:
        list[tuple[int, int]]: One (h, w) per stride.
    """
    if rounding not in ('floor', 'ceil'):
        raise ValueError(f"rounding must be 'floor' or 'ceil', "
                         f'got {rounding!r}')
    if isinstance(input_size, int):
        input_size = (input_size, input_size)
    if len(input_size) != 2:
        raise ValueError(f'input_size must be H or (H, W), got {input_size}')
    div = (lambda a, b: a // b) if rounding == 'floor' else \
        (lambda a, b: -(-a // b))
    sizes = []
    for s in strides:
        if s < 1:
            raise ValueError(f'strides must be positive, got {tuple(strides)}')
        h, w = (div(int(x), int(s)) for x in input_size)
        if h < 1 or w < 1:
            raise ValueError(f'input_size {tuple(input_size)} is too small '
                             f'for stride {s} (map {h} x {w})')
        sizes.append((h, w))
    return sizes
