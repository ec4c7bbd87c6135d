"""PRSNet's ranking loss between selected parts.

The paper (Ji et al., PRSNet, Eqs. 2-3) prints equations that contradict
its text: Eq. 3 as printed makes a part's confidence *grow* with its age
error, and Eq. 2 is not a pairwise difference. This implementation follows
the text and NTS-Net (Yang et al., ECCV 2018), which PRSNet cites:

* each selected part predicts an age on its own (trained by its own
  regression loss, see :class:`PartFeatureExtractor`);
* its confidence is ``C_i = -|age_i - age*|`` (normalised units, no
  gradient): the closer, the more confident;
* for every pair with ``C_i > C_j`` the anchor scores must satisfy
  ``s_i - s_j >= margin`` (margin 1), hinge loss otherwise, summed over
  pairs and averaged over images.
"""
import torch
import torch.nn as nn

from baa_mm.registry import MODELS
from baa_mm.models.utils import part_ranking_loss

__all__ = ['PartRankingLoss']


@MODELS.register_module()
class PartRankingLoss(nn.Module):
    """Pairwise hinge ranking of part scores by part confidence.

    Args:
        margin (float): Hinge margin. Defaults to 1.0.
        loss_weight (float): Weight of the loss. Defaults to 1.0.

    Shapes:
        scores, confidences: (N, M) → scalar.
    """

    def __init__(self, margin: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.margin = margin
        self.loss_weight = loss_weight

    def forward(self, scores: torch.Tensor,
                confidences: torch.Tensor) -> torch.Tensor:
        return self.loss_weight * part_ranking_loss(scores, confidences,
                                                    self.margin)
