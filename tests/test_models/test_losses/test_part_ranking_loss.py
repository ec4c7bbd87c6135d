"""PartRankingLoss: the more confident part must score higher (NTS-Net)."""
import pytest
import torch

from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules

register_all_modules()


def _loss(**kw):
    return MODELS.build(dict(type='PartRankingLoss', **kw))


def test_hand_computed_value():
    # part 0 is the most confident, then part 2, then part 1
    conf = torch.tensor([[-1., -5., -3.]])
    scores = torch.tensor([[0.5, 0., 2.]])
    # pairs (more confident, less confident): (0, 1), (0, 2), (2, 1)
    # hinge max(0, 1 - (s_i - s_j)): 0.5, 2.5, 0
    assert _loss()(scores, conf).item() == pytest.approx(3.0)
    assert _loss(margin=2.)(scores, conf).item() == pytest.approx(
        1.5 + 3.5 + 0.)
    assert _loss(loss_weight=0.5)(scores, conf).item() == pytest.approx(1.5)


def test_correct_ranking_with_margin_costs_nothing():
    conf = torch.tensor([[-1., -5., -3.]])
    assert _loss()(torch.tensor([[3., 0., 1.5]]), conf).item() == 0.
    # equal confidences: no pair, no loss
    assert _loss()(torch.tensor([[0., 5., 9.]]),
                   torch.zeros(1, 3)).item() == 0.


def test_gradient_pushes_the_closer_part_up():
    # part 0's age is closer to the truth (confidence -|age - target|)
    conf = -torch.tensor([[2., 10.]]).abs()
    scores = torch.zeros(1, 2, requires_grad=True)
    loss = _loss()(scores, conf)
    assert loss.item() == pytest.approx(1.)
    loss.backward()
    # gradient descent raises the closer part's score, lowers the other
    torch.testing.assert_close(scores.grad, torch.tensor([[-1., 1.]]))
    # the confidences get no gradient
    conf = conf.clone().requires_grad_()
    scores2 = torch.zeros(1, 2, requires_grad=True)
    _loss()(scores2, conf).backward()
    assert conf.grad is None


def test_averaged_over_images():
    conf = torch.tensor([[-1., -2.], [-2., -1.]])
    scores = torch.tensor([[0., 0.], [0., 0.]])
    # one violated pair of hinge 1 per image: (1 + 1) / 2 images
    assert _loss()(scores, conf).item() == pytest.approx(1.)
    scores = torch.tensor([[1., 0.], [0., 0.]])  # first image ranked right
    assert _loss()(scores, conf).item() == pytest.approx(0.5)


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r'scores \(1, 3\) and confidences '
                       r'\(1, 2\) differ'):
        _loss()(torch.zeros(1, 3), torch.zeros(1, 2))
