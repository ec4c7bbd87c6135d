"""Shared ``forward`` of the bone-age estimators (as mmpretrain's
``BaseClassifier``)."""
from abc import ABCMeta, abstractmethod
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel

from baa_mm.structures import BoneAgeDataSample

__all__ = ['BaseBoneAgeEstimator']


class BaseBoneAgeEstimator(BaseModel, metaclass=ABCMeta):
    """Dispatches ``forward(inputs, data_samples, sex, mode)``:

    - ``tensor``: :meth:`tensor`, (N,) predicted ages (benchmarks, export);
    - ``loss``: :meth:`loss`, a dict of losses (needs ``data_samples``);
    - ``predict``: :meth:`predict`, :class:`BoneAgeDataSample` list with
      ``pred_age`` and the model's extras.

    ``sex`` is the (N,) tensor from :class:`BoneAgeDataPreprocessor`.

    Models that can return maps for pictures have one of :attr:`MAP_FLAGS`
    as a boolean attribute (PRSNet: relation maps; segment-then-regress:
    attention maps); :meth:`set_return_maps` switches whichever they have.
    """

    MAP_FLAGS = ('return_relation_maps', 'return_attention_maps')

    def set_return_maps(self, flag: bool) -> Dict[str, bool]:
        """Set every map flag this model has; returns the previous values
        (for :meth:`restore_return_maps`)."""
        previous = {f: getattr(self, f) for f in self.MAP_FLAGS
                    if hasattr(self, f)}
        for f in previous:
            setattr(self, f, flag)
        return previous

    def restore_return_maps(self, previous: Dict[str, bool]) -> None:
        for f, value in previous.items():
            setattr(self, f, value)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None,
                mode: str = 'tensor'
                ) -> Union[torch.Tensor, dict, List[BoneAgeDataSample]]:
        if mode == 'tensor':
            return self.tensor(inputs, data_samples, sex)
        if mode == 'loss':
            if not data_samples:
                raise ValueError('mode="loss" needs data_samples with gt_age')
            return self.loss(inputs, data_samples, sex)
        if mode == 'predict':
            return self.predict(inputs, data_samples, sex)
        raise RuntimeError(f'Invalid mode "{mode}"; expected "tensor", '
                           '"loss" or "predict"')

    @abstractmethod
    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N,) predicted ages."""

    @abstractmethod
    def loss(self, inputs: torch.Tensor, data_samples: List,
             sex: Optional[torch.Tensor]) -> dict:
        """Loss dict."""

    @abstractmethod
    def predict(self, inputs: torch.Tensor, data_samples=None,
                sex: Optional[torch.Tensor] = None
                ) -> List[BoneAgeDataSample]:
        """Data samples with ``pred_age``."""
