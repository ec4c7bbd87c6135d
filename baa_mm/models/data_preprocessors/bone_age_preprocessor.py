"""Batching, normalisation and the sex tensor."""
from typing import List, Optional, Sequence

import torch
from mmengine.model import ImgDataPreprocessor

from baa_mm.registry import MODELS

__all__ = ['BoneAgeDataPreprocessor', 'collect_sex']


def collect_sex(data_samples: Optional[Sequence],
                device: torch.device) -> Optional[torch.Tensor]:
    """Stack the samples' sex into a (N,) int64 tensor (1 male, 0 female).

    Returns None when no sample carries sex; raises when only some do.
    """
    if not data_samples:
        return None
    has = ['sex' in s for s in data_samples]
    if not any(has):
        return None
    if not all(has):
        missing = [s.metainfo.get('img_id', i)
                   for i, s in enumerate(data_samples) if 'sex' not in s]
        raise ValueError(f'sex is missing for images {missing[:10]} while '
                         'other images of the batch have it')
    return torch.stack([s.sex for s in data_samples]).to(device)


@MODELS.register_module()
class BoneAgeDataPreprocessor(ImgDataPreprocessor):
    """mmengine's image preprocessor plus what bone-age models need.

    Inputs are the packed (C, H, W) float images in [0, 1]; ``mean``/``std``
    are in that range too.  Output dict::

        inputs: (N, C', H, W) float32 (C' = num_channels)
        data_samples: list[BoneAgeDataSample] | None
        sex: (N,) int64 tensor, or None if the samples carry no sex

    Args:
        mean (Sequence[float]): Per-channel mean. Defaults to (0.5,).
        std (Sequence[float]): Per-channel std. Defaults to (0.25,).
        num_channels (int): Repeat a grayscale input to this many channels
            (3 for ImageNet-pretrained backbones). Defaults to 1.
        channels_last (bool): Return inputs in channels-last memory format
            (faster convolutions with bf16 on CPUs with AMX, and on GPUs).
        pad_size_divisor (int): As ImgDataPreprocessor.
    """

    def __init__(self,
                 mean: Sequence[float] = (0.5, ),
                 std: Sequence[float] = (0.25, ),
                 num_channels: int = 1,
                 channels_last: bool = False,
                 pad_size_divisor: int = 1,
                 pad_value: float = 0.,
                 non_blocking: bool = False) -> None:
        super().__init__(mean=mean, std=std,
                         pad_size_divisor=pad_size_divisor,
                         pad_value=pad_value, non_blocking=non_blocking)
        self.num_channels = num_channels
        self.channels_last = channels_last

    def forward(self, data: dict, training: bool = False) -> dict:
        out = super().forward(data, training)
        inputs: torch.Tensor = out['inputs']
        if inputs.shape[1] != self.num_channels:
            if inputs.shape[1] != 1:
                raise ValueError(f'cannot turn {inputs.shape[1]}-channel '
                                 f'inputs into {self.num_channels} channels')
            inputs = inputs.expand(-1, self.num_channels, -1, -1)
        if self.channels_last:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        samples: Optional[List] = out.get('data_samples')
        return dict(inputs=inputs, data_samples=samples,
                    sex=collect_sex(samples, inputs.device))
