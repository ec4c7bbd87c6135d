"""Packing a pipeline's results into model inputs and a data sample."""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from baa_mm.registry import TRANSFORMS
from baa_mm.structures import BoneAgeDataSample

__all__ = ['PackBoneAgeInputs']


@TRANSFORMS.register_module()
class PackBoneAgeInputs(BaseTransform):
    """Pack the image and the bone-age labels.

    Required keys: ``img`` ((H, W) or (H, W, C)). Optional: ``gt_age``,
    ``sex``, ``chrono_age`` and the ``meta_keys``.

    Returns:
        dict: ``inputs`` a (C, H, W) float32 tensor and ``data_samples`` a
        :class:`BoneAgeDataSample`.

    Args:
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo
            when present.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_id', 'img_path', 'ori_shape',
                                             'img_shape', 'scale_factor',
                                             'flip', 'flip_direction',
                                             'crop_bbox', 'sample_idx')
                 ) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[None]
        else:
            img = img.transpose(2, 0, 1)
        inputs = torch.from_numpy(np.ascontiguousarray(img, np.float32))
        sample = BoneAgeDataSample()
        if results.get('gt_age') is not None:
            sample.set_gt_age(results['gt_age'])
        if results.get('sex') is not None:
            sample.set_sex(results['sex'])
        if results.get('chrono_age') is not None:
            sample.set_chrono_age(results['chrono_age'])
        sample.set_metainfo({k: results[k] for k in self.meta_keys
                             if k in results})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
