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

    Estimators that make new images inside the model (crops from the
    full-resolution image, a masked background, pixels for a nested
    detector) use the public :meth:`normalize`, :meth:`to_pixels` and
    :meth:`pixel_value`, so that every image a network sees is normalised
    one way.

    Args:
        mean (Sequence[float]): Per-channel mean. Defaults to (0.5,).
        std (Sequence[float]): Per-channel std. Defaults to (0.25,).
        num_channels (int, optional): Repeat a grayscale input to this many
            channels (3 for ImageNet-pretrained backbones); None keeps the
            packed channels (e.g. regions stacked by :class:`StackRegions`).
            Defaults to 1.
        channels_last (bool): Return inputs in channels-last memory format
            (faster bf16 convolutions on CPUs and GPUs).
        pad_size_divisor (int): As ImgDataPreprocessor.
    """

    def __init__(self,
                 mean: Sequence[float] = (0.5, ),
                 std: Sequence[float] = (0.25, ),
                 num_channels: Optional[int] = 1,
                 channels_last: bool = False,
                 pad_size_divisor: int = 1,
                 pad_value: float = 0.,
                 non_blocking: bool = False) -> None:
        super().__init__(mean=mean, std=std,
                         pad_size_divisor=pad_size_divisor,
                         pad_value=pad_value, non_blocking=non_blocking)
        self.num_channels = num_channels
        self.channels_last = channels_last
        #: whether inputs are normalised (``mean``/``std`` given)
        self.with_normalize = mean is not None

    def _mean_std(self, channels: int, like: torch.Tensor):
        """(1, C, 1, 1) mean and std for ``channels`` channels (a 1-channel
        statistic is shared by all), or (None, None) without
        normalisation."""
        if not self.with_normalize:
            return None, None
        mean, std = self.mean.reshape(1, -1, 1, 1), self.std.reshape(
            1, -1, 1, 1)
        if mean.shape[1] != channels:
            mean, std = mean[:, :1], std[:, :1]
        return mean.to(like), std.to(like)

    def format_channels(self, inputs: torch.Tensor) -> torch.Tensor:
        """Repeat a 1-channel (N, 1, H, W) batch to ``num_channels`` and
        apply the memory format; (N, num_channels, H, W) passes through."""
        if self.num_channels is not None and \
                inputs.shape[1] != self.num_channels:
            if inputs.shape[1] != 1:
                raise ValueError(f'cannot turn {inputs.shape[1]}-channel '
                                 f'inputs into {self.num_channels} channels')
            inputs = inputs.expand(-1, self.num_channels, -1, -1)
        if self.channels_last:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        return inputs

    def normalize(self, pixels: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1] → network inputs, as :meth:`forward` makes them.

        Args:
            pixels (Tensor): (N, C, H, W) with C = 1 or ``num_channels``.

        Returns:
            Tensor: (N, num_channels, H, W) normalised, in this
            preprocessor's memory format.
        """
        n = self.num_channels
        if n and pixels.shape[1] == 1 and self.with_normalize \
                and self.mean.numel() == n:
            pixels = pixels.expand(-1, n, -1, -1)  # as forward() does
        mean, std = self._mean_std(pixels.shape[1], pixels)
        if mean is not None:
            pixels = (pixels - mean) / std
        return self.format_channels(pixels)

    def to_pixels(self, inputs: torch.Tensor) -> torch.Tensor:
        """The inverse of :meth:`normalize`: (N, C, H, W) network inputs →
        (N, C, H, W) images in the [0, 1] range of the pipeline."""
        mean, std = self._mean_std(inputs.shape[1], inputs)
        if mean is None:
            return inputs
        return inputs * std + mean

    def pixel_value(self, value: float, channels: int,
                    like: torch.Tensor) -> torch.Tensor:
        """(1, channels, 1, 1): a pixel of intensity ``value`` (0 black,
        1 white) as a normalised input, e.g. a masked-out background."""
        pixel = like.new_full((1, channels, 1, 1), float(value))
        mean, std = self._mean_std(channels, like)
        return pixel if mean is None else (pixel - mean) / std

    def _repeat_gray(self, data: dict) -> dict:
        """Repeat 1-channel inputs to ``num_channels`` before mmengine's
        normalisation when ``mean`` has one value per channel (ImageNet's
        three), which mmengine applies only to inputs of that many
        channels."""
        n = self.num_channels
        if n is None or not self.with_normalize or self.mean.numel() != n \
                or n == 1:
            return data

        def repeat(x):
            return x.expand(n, *x.shape[1:]) if x.dim() == 3 and \
                x.shape[0] == 1 else x

        inputs = data['inputs']
        if isinstance(inputs, torch.Tensor) and inputs.dim() == 4:
            inputs = inputs.expand(-1, n, -1, -1) if inputs.shape[1] == 1 \
                else inputs
        elif isinstance(inputs, torch.Tensor):
            inputs = repeat(inputs)
        else:
            inputs = [repeat(x) for x in inputs]
        return {**data, 'inputs': inputs}

    def forward(self, data: dict, training: bool = False) -> dict:
        out = super().forward(self._repeat_gray(data), training)
        inputs = self.format_channels(out['inputs'])
        samples: Optional[List] = out.get('data_samples')
        return dict(inputs=inputs, data_samples=samples,
                    sex=collect_sex(samples, inputs.device))
