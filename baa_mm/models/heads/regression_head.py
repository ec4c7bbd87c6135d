"""Age regression head with sex fusion."""
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample, fill_pred_ages

__all__ = ['BoneAgeRegressionHead']


@MODELS.register_module()
class BoneAgeRegressionHead(BaseModule):
    """MLP that regresses age from pooled features and a sex embedding.

    ``concat(feat (N, C), embed(sex) (N, E)) → [Linear → ReLU → Dropout]*k →
    Linear → (N,)``.  The network predicts the *normalised* age
    ``(age - age_mean) / age_std``; :meth:`forward` returns ages in the
    dataset's unit.  The loss compares normalised values, so an L1 loss is
    the MAE in months divided by ``age_std`` (a scale that keeps the
    regression well conditioned without changing its minimiser).

    Args:
        in_channels (int): Feature channels C.
        sex_embed_dims (int): Sex embedding size E; 0 disables the sex
            input. Defaults to 32.
        hidden_dims (Sequence[int]): Hidden layer sizes. Defaults to (256,).
        dropout (float): Dropout before each hidden→output layer.
        age_mean (float): Target mean used for normalisation.
        age_std (float): Target std used for normalisation.
        loss (dict): Loss config, called as ``loss(pred, target)`` on (N,)
            tensors. Defaults to mmdet's ``L1Loss``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 sex_embed_dims: int = 32,
                 hidden_dims: Sequence[int] = (256, ),
                 dropout: float = 0.,
                 age_mean: float = 0.,
                 age_std: float = 1.,
                 loss: dict = dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01)) -> None:
        super().__init__(init_cfg=init_cfg)
        if age_std <= 0:
            raise ValueError(f'age_std must be positive, got {age_std}')
        self.in_channels = in_channels
        self.sex_embed_dims = sex_embed_dims
        self.age_mean = float(age_mean)
        self.age_std = float(age_std)
        self.sex_embed = (nn.Embedding(2, sex_embed_dims)
                          if sex_embed_dims > 0 else None)
        layers: List[nn.Module] = []
        dims = in_channels + sex_embed_dims
        for h in hidden_dims:
            layers += [nn.Linear(dims, h), nn.ReLU(inplace=True)]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            dims = h
        layers.append(nn.Linear(dims, 1))
        self.mlp = nn.Sequential(*layers)
        self.loss_module = MODELS.build(loss)

    @property
    def use_sex(self) -> bool:
        return self.sex_embed is not None

    def pre_logits(self, feats: Union[torch.Tensor, Tuple[torch.Tensor]],
                   sex: Optional[torch.Tensor]) -> torch.Tensor:
        """Fuse features and sex: (N, C) [+ (N,)] → (N, C + E)."""
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        if feats.dim() != 2:
            raise ValueError('BoneAgeRegressionHead expects pooled (N, C) '
                             f'features, got shape {tuple(feats.shape)}; '
                             'add a pooling neck')
        if not self.use_sex:
            return feats
        if sex is None:
            raise ValueError('this head was configured with a sex input '
                             '(sex_embed_dims > 0) but no sex was given; set '
                             'sex_embed_dims=0 for a sex-less model')
        emb = self.sex_embed(sex.long().to(feats.device)).to(feats.dtype)
        return torch.cat([feats, emb], dim=1)

    def forward_normalised(self, feats, sex=None) -> torch.Tensor:
        """(N,) normalised age predictions (what the loss compares)."""
        return self.mlp(self.pre_logits(feats, sex)).squeeze(1)

    def normalise(self, ages: torch.Tensor) -> torch.Tensor:
        """Ages in the dataset's unit → the scale the network predicts."""
        return (ages - self.age_mean) / self.age_std

    def denormalise(self, x: torch.Tensor) -> torch.Tensor:
        """Normalised predictions → ages in the dataset's unit (float32)."""
        return x.float() * self.age_std + self.age_mean

    def normalised_targets(self, data_samples: List[BoneAgeDataSample],
                           device: torch.device) -> torch.Tensor:
        """(N,) normalised ``gt_age`` of the samples (float32)."""
        gt = torch.stack([s.gt_age for s in data_samples]).to(device)
        return self.normalise(gt.float())

    def loss_normalised(self, pred: torch.Tensor,
                        data_samples: List[BoneAgeDataSample]) -> dict:
        """``dict(loss_age=...)`` of (N,) normalised predictions made by an
        estimator (e.g. from features it fused itself) against ``gt_age``."""
        pred = pred.float()
        target = self.normalised_targets(data_samples, pred.device)
        return dict(loss_age=self.loss_module(pred, target))

    def forward(self, feats: Union[torch.Tensor, Tuple[torch.Tensor]],
                sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Predict ages.

        Args:
            feats (Tensor | tuple[Tensor]): (N, C) pooled features (the last
                one is used if a tuple).
            sex (Tensor, optional): (N,) 1 male / 0 female.

        Returns:
            Tensor: (N,) ages in the dataset's unit (float32).
        """
        return self.denormalise(self.forward_normalised(feats, sex))

    def loss(self, feats, sex: Optional[torch.Tensor],
             data_samples: List[BoneAgeDataSample]) -> dict:
        """Regression loss against ``gt_age``: ``dict(loss_age=...)``."""
        return self.loss_normalised(self.forward_normalised(feats, sex),
                                    data_samples)

    def predict(self, feats, sex: Optional[torch.Tensor],
                data_samples: Optional[List[BoneAgeDataSample]] = None
                ) -> List[BoneAgeDataSample]:
        """Write ``pred_age`` into (new or given) data samples."""
        return fill_pred_ages(self.forward(feats, sex), data_samples)
