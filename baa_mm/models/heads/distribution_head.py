"""Age as a distribution: classification over age bins, expected age out."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.models.utils import expected_ages, soft_age_labels
from .regression_head import BoneAgeRegressionHead

__all__ = ['BoneAgeDistributionHead']

#: Loss types that compare (N,) ages, not (N, C) logits with soft labels:
#: a config that inherits the regression head's ``loss`` would otherwise
#: train |logits - soft labels| without any error.
_REGRESSION_LOSSES = ('L1Loss', 'SmoothL1Loss', 'MSELoss', 'BalancedL1Loss')


@MODELS.register_module()
class BoneAgeDistributionHead(BoneAgeRegressionHead):
    """The regression head's MLP with C age classes as output (label
    distribution learning); the prediction is the expected age.

    ``concat(feat (N, K), embed(sex) (N, E)) → [Linear → ReLU → Dropout]*k →
    Linear → (N, C) logits``. Class ``i`` stands for the age
    ``i * max_age / (C - 1)``: C bins evenly over ``[0, max_age]``, by
    default one per month, 0..240. Training: cross-entropy against soft
    labels (a ``kernel`` of half-width ``delta`` months centred on the true
    age, :func:`soft_age_labels`) plus ``l1_weight`` times the L1 of the
    expected age, divided by ``age_std`` like the regression head's loss
    (``loss_cls`` and ``loss_age``). The softmax and the losses are
    computed in float32, also under bf16 autocast.

    Our choices: a Gaussian kernel with ``delta=24`` months (sigma = delta /
    3 = 8 months, about the inter-reader spread of bone-age readings; the
    attention-guided paper's triangle of 50 months is ``kernel='triangular',
    delta=50``), and ``l1_weight=0.1``: the cross-entropy shapes the
    distribution, the small L1 ties its mean to the true age (the soft
    labels of ages near 0 or ``max_age`` are cut at the edge, so their mean
    is pulled inwards; the L1 term corrects that bias). Dividing by
    ``age_std`` keeps its size comparable to the regression head's
    ``loss_age``. ``l1_weight=0`` trains on the cross-entropy alone.

    Same inputs and public API as :class:`BoneAgeRegressionHead`
    (``forward``, ``loss``, ``predict``; ``forward_normalised`` gives the
    normalised expected age), so ``BoneAgeRegressor`` takes it by changing
    ``head=dict(type=...)``; then also replace the regression ``loss``
    (``loss=dict(_delete_=True, ...)``). ``loss_normalised`` is not
    available (the classification loss needs the logits): an estimator
    that fuses features itself calls :meth:`forward_logits` and
    :meth:`loss_logits`. ``predict`` writes ``pred_age`` only; the
    distribution is available from :meth:`distribution`.

    Args:
        in_channels (int): Feature channels K.
        num_bins (int): Age classes C (>= 2). Defaults to 241.
        max_age (float): Age of the last class, in the dataset's unit (>
            0). Defaults to 240 (months).
        delta (float): Half-width of the soft label's support, in the
            dataset's unit. Defaults to 24.
        kernel (str): 'gaussian' (default) or 'triangular'.
        l1_weight (float): Weight of the L1 term on the expected age (>= 0).
            Defaults to 0.1.
        sex_embed_dims (int): Sex embedding size E; 0 disables the sex
            input. Defaults to 32.
        hidden_dims (Sequence[int]): Hidden layer sizes. Defaults to (256,).
        dropout (float): Dropout after each hidden layer.
        age_mean (float): Target mean (for ``forward_normalised``).
        age_std (float): Target std; scales the L1 term.
        loss (dict): Classification loss, called as ``loss(logits (N, C),
            soft labels (N, C))``; mmpretrain's ``CrossEntropyLoss(
            use_soft=True)`` by default.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 num_bins: int = 241,
                 max_age: float = 240.,
                 delta: float = 24.,
                 kernel: str = 'gaussian',
                 l1_weight: float = 0.1,
                 sex_embed_dims: int = 32,
                 hidden_dims: Sequence[int] = (256, ),
                 dropout: float = 0.,
                 age_mean: float = 0.,
                 age_std: float = 1.,
                 loss: dict = dict(
                     _scope_='mmpretrain', type='CrossEntropyLoss',
                     use_soft=True),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01)) -> None:
        if int(num_bins) != num_bins or num_bins < 2:
            raise ValueError(f'num_bins must be an integer >= 2, got '
                             f'{num_bins}')
        if max_age <= 0:
            raise ValueError(f'max_age must be positive, got {max_age}')
        if delta <= 0:
            raise ValueError(f'delta must be positive, got {delta}')
        if kernel not in ('triangular', 'gaussian'):
            raise ValueError("kernel must be 'triangular' or 'gaussian', "
                             f'got {kernel!r}')
        if l1_weight < 0:
            raise ValueError(f'l1_weight must be >= 0, got {l1_weight}')
        loss_type = str(loss.get('type', '')).split('.')[-1]
        if loss_type in _REGRESSION_LOSSES:
            raise ValueError(
                f'BoneAgeDistributionHead needs a classification loss on '
                f'(N, C) logits and soft labels, got {loss_type} (inherited '
                "from a regression head's config? replace it with "
                "loss=dict(_delete_=True, _scope_='mmpretrain', "
                "type='CrossEntropyLoss', use_soft=True))")
        super().__init__(
            in_channels=in_channels,
            sex_embed_dims=sex_embed_dims,
            hidden_dims=hidden_dims,
            dropout=dropout,
            age_mean=age_mean,
            age_std=age_std,
            loss=loss,
            init_cfg=init_cfg)
        self.num_bins = int(num_bins)
        self.max_age = float(max_age)
        self.delta = float(delta)
        self.kernel = kernel
        self.l1_weight = float(l1_weight)
        # the output layer: C logits instead of one age
        self.mlp[-1] = nn.Linear(self.mlp[-1].in_features, self.num_bins)

    @property
    def bin_width(self) -> float:
        """Age step between neighbouring classes."""
        return self.max_age / (self.num_bins - 1)

    def bin_centers(self, device: Optional[torch.device] = None
                    ) -> torch.Tensor:
        """(C,) float32 age of each class."""
        return torch.arange(self.num_bins, dtype=torch.float32,
                            device=device) * self.bin_width

    def forward_logits(self, feats, sex: Optional[torch.Tensor] = None
                       ) -> torch.Tensor:
        """(N, K) features [+ (N,) sex] → (N, C) class logits (in the
        compute dtype, e.g. bf16 under autocast)."""
        return self.mlp(self.pre_logits(feats, sex))

    def distribution(self, feats, sex: Optional[torch.Tensor] = None
                     ) -> torch.Tensor:
        """(N, C) predicted age distribution (float32 softmax)."""
        return self.forward_logits(feats, sex).float().softmax(dim=1)

    def expected_age(self, logits: torch.Tensor) -> torch.Tensor:
        """(N, C) logits → (N,) expected ages (float32, dataset's unit)."""
        return expected_ages(logits) * self.bin_width

    def soft_labels(self, ages: torch.Tensor) -> torch.Tensor:
        """(N,) ages → (N, C) float32 soft labels (ages outside
        ``[0, max_age]`` count as the edge classes)."""
        w = self.bin_width
        return soft_age_labels(ages.float() / w, self.num_bins,
                               self.delta / w, self.kernel)

    def forward(self, feats, sex: Optional[torch.Tensor] = None
                ) -> torch.Tensor:
        """Predict ages.

        Args:
            feats (Tensor | tuple[Tensor]): (N, K) pooled features (the last
                one is used if a tuple).
            sex (Tensor, optional): (N,) 1 male / 0 female.

        Returns:
            Tensor: (N,) expected ages in the dataset's unit (float32).
        """
        return self.expected_age(self.forward_logits(feats, sex))

    def forward_normalised(self, feats, sex=None) -> torch.Tensor:
        """(N,) normalised expected ages."""
        return self.normalise(self.forward(feats, sex))

    def loss_logits(self, logits: torch.Tensor,
                    data_samples: List[BoneAgeDataSample]) -> dict:
        """Losses of (N, C) logits against the samples' ``gt_age``.

        Returns:
            dict: ``loss_cls`` (cross-entropy against the soft labels) and,
            when ``l1_weight > 0``, ``loss_age`` (``l1_weight * mean |E[age]
            - gt_age| / age_std``).
        """
        logits = logits.float()
        gt = torch.stack([s.gt_age for s in data_samples]).to(
            logits.device).float()
        losses = dict(loss_cls=self.loss_module(logits,
                                                self.soft_labels(gt)))
        if self.l1_weight > 0:
            err = (self.expected_age(logits) - gt).abs().mean()
            losses['loss_age'] = self.l1_weight * err / self.age_std
        return losses

    def loss(self, feats, sex: Optional[torch.Tensor],
             data_samples: List[BoneAgeDataSample]) -> dict:
        """Soft-label cross-entropy (+ weighted L1 of the expected age)."""
        return self.loss_logits(self.forward_logits(feats, sex), data_samples)

    def loss_normalised(self, pred: torch.Tensor,
                        data_samples: List[BoneAgeDataSample]) -> dict:
        """Not available: the classification loss needs the logits."""
        raise NotImplementedError(
            'BoneAgeDistributionHead trains on its class logits: call '
            'loss(feats, sex, data_samples), or forward_logits() and '
            'loss_logits() for features an estimator fused itself')
