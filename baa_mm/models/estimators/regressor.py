"""The plain bone-age regressor (the baselines)."""
from typing import List, Optional, Tuple

import torch

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from .base import BaseBoneAgeEstimator, backbone_forward, store_maps

__all__ = ['BoneAgeRegressor']


@MODELS.register_module()
class BoneAgeRegressor(BaseBoneAgeEstimator):
    """backbone → neck → :class:`BoneAgeRegressionHead`.

    Modes of :meth:`forward` (as mmpretrain's ``ImageClassifier``):

    - ``tensor``: (N,) predicted ages (for export/benchmarks).
    - ``loss``: dict of losses.
    - ``predict``: list of :class:`BoneAgeDataSample` with ``pred_age``
      (and ``pred_maps`` when :attr:`return_maps` and the backbone has
      maps).

    Needs of its parts: the head is a :class:`BoneAgeRegressionHead` (or
    offers ``forward``/``loss``/``predict`` with its signatures); the
    backbone returns a tensor or a tuple of them.

    Args:
        backbone (dict): Backbone config, e.g. ``dict(_scope_='mmpretrain',
            type='ResNet', depth=18, in_channels=1)``.
        head (dict): Head config.
        neck (dict, optional): Neck config, e.g. global average pooling.
        data_preprocessor (dict, optional): Defaults to
            ``BoneAgeDataPreprocessor``.
        channels_last (bool): Keep the model in channels-last memory format
            (pair it with the preprocessor's ``channels_last``).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 channels_last: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.head = MODELS.build(head)
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor]:
        """(N, C, H, W) images → tuple of features (the neck's outputs)."""
        return self._feats_and_maps(inputs)[0]

    def _feats_and_maps(self, inputs: torch.Tensor, with_maps: bool = False):
        """Features and, with ``with_maps``, the backbone's maps (or
        None)."""
        feats, maps = backbone_forward(self.backbone, inputs, with_maps)
        if self.neck is not None:
            feats = tuple(self.neck(feats))
        return feats, maps

    def embed(self, inputs: torch.Tensor, data_samples=None,
              sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N, D) the neck's last output, flattened (the pooled
        backbone features the head reads)."""
        return self.extract_feat(inputs)[-1].flatten(1)

    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.head(self.extract_feat(inputs), sex)

    def loss(self, inputs: torch.Tensor, data_samples: List[BoneAgeDataSample],
             sex: Optional[torch.Tensor]) -> dict:
        return self.head.loss(self.extract_feat(inputs), sex, data_samples)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None
                ) -> List[BoneAgeDataSample]:
        feats, maps = self._feats_and_maps(inputs, self.return_maps)
        samples = self.head.predict(feats, sex, data_samples)
        store_maps(samples, maps)
        return samples
