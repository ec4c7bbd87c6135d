"""The data sample that travels from the pipeline to the metric."""
from numbers import Number
from typing import List, Optional, Union

import numpy as np
import torch
from mmengine.structures import BaseDataElement

__all__ = ['BoneAgeDataSample', 'fill_pred_ages']

ScalarLike = Union[Number, np.ndarray, torch.Tensor]


def _to_scalar_tensor(value: ScalarLike, dtype: torch.dtype) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach().reshape(()).to(dtype)
    return torch.tensor(float(value) if dtype.is_floating_point else
                        int(value), dtype=dtype)


class BoneAgeDataSample(BaseDataElement):
    """Ground truth and prediction of one radiograph.

    Data fields (0-d tensors, ages in the dataset's unit, months for hand
    radiographs):

    - ``gt_age`` (float32): ground-truth bone age.
    - ``pred_age`` (float32): predicted bone age.
    - ``sex`` (int64): 1 = male, 0 = female.
    - ``chrono_age`` (float32, optional): chronological age.

    Meta fields (read as attributes, e.g. ``sample.img_id``): ``img_id`` (str), ``img_path``, ``ori_shape``, ``img_shape``,
    ``scale_factor``, ``flip`` and whatever the pipeline adds.

    Examples:
        >>> s = BoneAgeDataSample(metainfo=dict(img_id='1377'))
        >>> s.set_gt_age(120.5).set_sex(1)
        >>> s.gt_age, s.sex
        (tensor(120.5000), tensor(1))
    """

    # --- setters returning self, as mmpretrain's DataSample ---
    def set_gt_age(self, value: ScalarLike) -> 'BoneAgeDataSample':
        self.gt_age = _to_scalar_tensor(value, torch.float32)
        return self

    def set_pred_age(self, value: ScalarLike) -> 'BoneAgeDataSample':
        self.pred_age = _to_scalar_tensor(value, torch.float32)
        return self

    def set_sex(self, value: ScalarLike) -> 'BoneAgeDataSample':
        sex = _to_scalar_tensor(value, torch.int64)
        if int(sex) not in (0, 1):
            raise ValueError(f'sex must be 0 (female) or 1 (male), got {value}')
        self.sex = sex
        return self

    def set_chrono_age(self, value: ScalarLike) -> 'BoneAgeDataSample':
        self.chrono_age = _to_scalar_tensor(value, torch.float32)
        return self


def fill_pred_ages(ages: torch.Tensor,
                   data_samples: Optional[List[BoneAgeDataSample]] = None
                   ) -> List[BoneAgeDataSample]:
    """Write (N,) predicted ages into the given data samples (or N new
    ones) as ``pred_age``; returns the samples."""
    ages = ages.detach().float().cpu()
    if data_samples is None:
        data_samples = [BoneAgeDataSample() for _ in range(len(ages))]
    if len(data_samples) != len(ages):
        raise ValueError(f'{len(ages)} predicted ages for '
                         f'{len(data_samples)} data samples')
    for sample, age in zip(data_samples, ages):
        sample.set_pred_age(age)
    return data_samples
