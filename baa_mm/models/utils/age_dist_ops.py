"""Pure helpers of label-distribution learning over age classes (no
modules, no state).

"Age as a distribution": the age axis is cut into C classes, a true age
becomes a soft label (a distribution over the classes centred on it) and a
prediction is the expectation of the predicted distribution. Shape
shorthand: N images, C age classes. Both helpers work in *class units*
(class i stands for i units); a head with classes of width ``w`` months
passes ``ages / w`` and ``delta / w`` and multiplies the expectation by
``w``. Used by :class:`SoftLabelCAMHead` (Chen et al., attention-guided
localisation) and :class:`BoneAgeDistributionHead`.
"""
import torch

__all__ = ['soft_age_labels', 'expected_ages']


def soft_age_labels(ages: torch.Tensor,
                    num_classes: int = 240,
                    delta: float = 50.,
                    kernel: str = 'triangular') -> torch.Tensor:
    """Age distributions centred on each true age ("soft labels").

    The paper's Eq. 5 is unreadable in print; the sensible reading is a
    triangular kernel ``Y_i ∝ max(0, 1 - |i - t| / delta)`` over the classes
    ``i = 0 .. C-1`` (support ``|i - t| < delta``), normalised to sum 1.
    ``kernel='gaussian'`` uses ``exp(-(i - t)^2 / (2 (delta / 3)^2))`` cut at
    ``|i - t| < delta`` instead. The paper numbers its classes 1-240; here
    class i is age i months (0-239), so ``t`` is the age itself, clipped to
    ``[0, C - 1]``.

    Args:
        ages (Tensor): (N,) ages in class units (months), any float.
        num_classes (int): C.
        delta (float): Half-width of the support, in classes.
        kernel (str): 'triangular' or 'gaussian'.

    Returns:
        Tensor: (N, C) float32 rows summing to 1.
    """
    if kernel not in ('triangular', 'gaussian'):
        raise ValueError(f"kernel must be 'triangular' or 'gaussian', got "
                         f'{kernel!r}')
    if delta <= 0:
        raise ValueError(f'delta must be positive, got {delta}')
    t = ages.detach().float().clamp(0, num_classes - 1)[:, None]
    i = torch.arange(num_classes, dtype=torch.float32, device=t.device)
    dist = (i[None] - t).abs()
    if kernel == 'triangular':
        y = (1 - dist / delta).clamp(min=0)
    else:
        y = torch.exp(-dist**2 / (2 * (delta / 3)**2)) * (dist < delta)
    # a support narrower than the class spacing may miss every class: the
    # nearest class then takes all the mass
    empty = y.sum(dim=1) == 0
    if empty.any():
        y[empty] = (dist[empty] == dist[empty].min(dim=1, keepdim=True)[0]
                    ).float()
    return y / y.sum(dim=1, keepdim=True)


def expected_ages(logits: torch.Tensor) -> torch.Tensor:
    """(N, C) class logits → (N,) expected age ``Σ_i i · softmax_i``
    (in class units, float32, also under autocast: no matmul, which
    autocast would run in half precision)."""
    prob = logits.float().softmax(dim=1)
    i = torch.arange(prob.shape[1], dtype=prob.dtype, device=prob.device)
    return (prob * i).sum(dim=1)
