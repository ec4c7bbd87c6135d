"""What every bone-age estimator shares (as mmpretrain's
``BaseClassifier``): the ``forward`` dispatch, the default data
preprocessor, the map switch and the checks of what an estimator needs of
its parts."""
from abc import ABCMeta, abstractmethod
from typing import Dict, Iterable, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel

from baa_mm.structures import BoneAgeDataSample

__all__ = ['BaseBoneAgeEstimator', 'require_interface', 'backbone_forward',
           'store_maps', 'valid_shapes', 'full_res_factors']

#: The data preprocessor every estimator uses unless its config names one.
DEFAULT_DATA_PREPROCESSOR = dict(type='BoneAgeDataPreprocessor')


def require_interface(module: nn.Module, names: Iterable[str], owner: str,
                      role: str) -> None:
    """Fail at build time, naming what ``module`` lacks.

    Args:
        module (nn.Module): The part (backbone, preprocessor, ...).
        names (Iterable[str]): Attributes / methods the owner uses.
        owner (str): The estimator, e.g. 'PRSNet'.
        role (str): What the part is to the owner, e.g. 'backbone'.
    """
    missing = [n for n in names if not hasattr(module, n)]
    if missing:
        raise TypeError(
            f'{owner} needs its {role} to provide {", ".join(missing)}; '
            f'{type(module).__name__} does not (see the {owner} docstring '
            'for what each part must offer)')


def backbone_forward(
        backbone: nn.Module, images: torch.Tensor, with_maps: bool = False
) -> Tuple[Tuple[torch.Tensor, ...], Optional[Dict[str, torch.Tensor]]]:
    """Run a backbone, asking for its maps when it has any.

    The map protocol: a backbone that can explain itself has ``map_names``
    and ``forward(x, return_maps=True) -> (feats, {name: (N, h, w)})``.

    Returns:
        tuple: the features as a tuple, and the maps (None when not asked
        for or the backbone has none).
    """
    maps = None
    if with_maps and hasattr(backbone, 'map_names'):
        feats, maps = backbone(images, return_maps=True)
    else:
        feats = backbone(images)
    if not isinstance(feats, (tuple, list)):
        feats = (feats, )
    return tuple(feats), maps


def store_maps(data_samples: List[BoneAgeDataSample],
               maps: Optional[Dict[str, torch.Tensor]]) -> None:
    """Give sample i the maps ``{name: (h, w)}`` (from ``{name: (N, h,
    w)}``) as ``pred_maps``; the visualiser draws every entry."""
    if not maps:
        return
    for i, sample in enumerate(data_samples):
        sample.pred_maps = {k: v[i].detach().cpu() for k, v in maps.items()}


def valid_shapes(inputs: torch.Tensor,
                 data_samples: Optional[List]) -> List[Tuple[int, int]]:
    """N ``(H_i, W_i)`` image sizes inside the (N, C, H, W) batch (the
    samples' ``img_shape``, batch padding excluded)."""
    h, w = inputs.shape[-2:]
    if not data_samples:
        return [(h, w)] * inputs.shape[0]
    shapes = []
    for s in data_samples:
        sh = s.metainfo.get('img_shape', (h, w))
        shapes.append((min(int(sh[0]), h), min(int(sh[1]), w)))
    return shapes


def full_res_factors(data_samples: Optional[List], num: int,
                     device: torch.device) -> torch.Tensor:
    """(N, 2) input → full-resolution ``(fx, fy)`` factors: the samples'
    ``hr_factor`` (:class:`StoreFullResImage`), else the inverse of the
    last resize's ``scale_factor``, else 1."""
    def factor(sample) -> Tuple[float, float]:
        meta = sample.metainfo
        if 'hr_factor' in meta:
            return tuple(meta['hr_factor'])
        if 'scale_factor' in meta:
            sx, sy = meta['scale_factor'][:2]
            return 1. / sx, 1. / sy
        return 1., 1.
    factors = [factor(s) for s in data_samples] if data_samples else \
        [(1., 1.)] * num
    return torch.tensor(factors, dtype=torch.float32, device=device)


class BaseBoneAgeEstimator(BaseModel, metaclass=ABCMeta):
    """Dispatches ``forward(inputs, data_samples, sex, mode)``:

    - ``tensor``: :meth:`tensor`, (N,) predicted ages (benchmarks, export);
    - ``loss``: :meth:`loss`, a dict of losses (needs ``data_samples``);
    - ``predict``: :meth:`predict`, :class:`BoneAgeDataSample` list with
      ``pred_age`` and the model's extras.

    ``sex`` is the (N,) tensor from :class:`BoneAgeDataPreprocessor`, the
    data preprocessor used when the config names none.

    Pictures: with :attr:`return_maps` set (:meth:`set_return_maps`),
    ``predict`` also fills ``pred_maps`` (``{name: (h, w) tensor}``) with
    whatever maps the model has (backbone maps through
    :func:`backbone_forward`, or the estimator's own).

    Args:
        data_preprocessor (dict | nn.Module, optional): Defaults to
            ``BoneAgeDataPreprocessor`` with its defaults.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 data_preprocessor: Optional[Union[dict, nn.Module]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(DEFAULT_DATA_PREPROCESSOR)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        #: Set True (visualisation, inference API) to fill ``pred_maps``.
        self.return_maps = False

    def set_return_maps(self, flag: bool) -> bool:
        """Switch :attr:`return_maps`; returns the previous value (to set
        it back)."""
        previous, self.return_maps = self.return_maps, bool(flag)
        return previous

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

    def embed(self, inputs: torch.Tensor, data_samples=None,
              sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N, D) pooled features of preprocessed images: what the model
        sees, for out-of-distribution scores (see
        :mod:`baa_mm.apis.calibration`). Estimators without one raise."""
        raise NotImplementedError(
            f'{type(self).__name__} has no embedding for out-of-distribution '
            'scores; implement embed() (BoneAgeRegressor has one)')

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
