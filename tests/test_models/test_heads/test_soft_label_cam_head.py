"""SoftLabelCAMHead: GAP / GMP logits, the soft-label loss, ages, CAMs."""
import pytest
import torch

from baa_mm.models.utils import class_activation_maps, soft_age_labels
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()

# fc: 3 classes x 2 channels, set by hand
WEIGHT = torch.tensor([[1., 0.], [0., 1.], [1., -2.]])
BIAS = torch.tensor([0., 1., -1.])
# (1, 2, 2, 2): channel 0 mean 2.5 max 4, channel 1 mean 0.5 max 3
FEATS = torch.tensor([[[[1., 2.], [3., 4.]], [[-1., 3.], [0., 0.]]]])


def _head(**kw):
    cfg = dict(type='SoftLabelCAMHead', in_channels=2, num_classes=3)
    cfg.update(kw)
    head = MODELS.build(cfg)
    head.init_weights()
    with torch.no_grad():
        head.fc.weight.copy_(WEIGHT)
        head.fc.bias.copy_(BIAS)
    return head


@pytest.mark.parametrize('pool,pooled', [('avg', [2.5, 0.5]),
                                         ('max', [4., 3.])])
def test_gap_and_gmp_logits_by_hand(pool, pooled):
    head = _head(pool=pool)
    a, b = pooled
    expected = torch.tensor([[a, b + 1, a - 2 * b - 1]])
    torch.testing.assert_close(head(FEATS), expected)
    # a tuple of maps: the last one is pooled
    torch.testing.assert_close(head((torch.zeros(1, 5, 1, 1), FEATS)),
                               expected)


def test_default_init_is_a_small_normal():
    head = MODELS.build(dict(type='SoftLabelCAMHead', in_channels=512))
    head.init_weights()
    assert head.fc.weight.shape == (240, 512)
    assert head.num_classes == 240
    assert 0.005 < head.fc.weight.std().item() < 0.02


def test_bad_pool():
    with pytest.raises(ValueError, match="pool must be 'avg' or 'max'"):
        _head(pool='sum')


def test_loss_is_the_soft_cross_entropy_by_hand():
    head = _head(delta=2.)
    feats = torch.cat([FEATS, FEATS.flip(-1) * 0.5])
    samples = [BoneAgeDataSample().set_gt_age(1.),
               BoneAgeDataSample().set_gt_age(0.)]
    loss = head.loss(feats, samples)
    assert set(loss) == {'loss_cls'}
    # triangular, delta 2: t = 1 -> (0.5, 1, 0.5) / 2; t = 0 -> (1, .5, 0)/1.5
    y = torch.tensor([[0.25, 0.5, 0.25], [2 / 3, 1 / 3, 0.]])
    torch.testing.assert_close(head.soft_labels(samples, torch.device('cpu')),
                               y)
    logp = head(feats).log_softmax(1)
    manual = -(y * logp).sum(1).mean()
    torch.testing.assert_close(loss['loss_cls'], manual)


def test_loss_on_240_classes_and_gradients_reach_the_fc():
    head = MODELS.build(dict(type='SoftLabelCAMHead', in_channels=4,
                             pool='max'))
    head.init_weights()
    feats = torch.randn(2, 4, 3, 3, requires_grad=True)
    samples = [BoneAgeDataSample().set_gt_age(a) for a in (30., 180.)]
    loss = head.loss(feats, samples)['loss_cls']
    y = soft_age_labels(torch.tensor([30., 180.]))
    manual = -(y * head(feats).log_softmax(1)).sum(1).mean()
    torch.testing.assert_close(loss, manual)
    loss.backward()
    assert head.fc.weight.grad is not None and \
        head.fc.weight.grad.abs().sum() > 0
    assert head.fc.bias.grad.abs().sum() > 0
    assert feats.grad.abs().sum() > 0


def test_ages_are_the_expectation():
    head = _head()
    logits = torch.log(torch.tensor([[0.2, 0.3, 0.5]]))
    assert head.ages(logits).item() == pytest.approx(0.3 + 2 * 0.5)


def test_cam_uses_the_fc_weights():
    head = _head()
    classes = torch.tensor([2])
    cam = head.cam(FEATS, classes)
    torch.testing.assert_close(
        cam, class_activation_maps(FEATS, head.fc.weight, classes))
    # class 2: 1 * channel 0 - 2 * channel 1 (no bias)
    torch.testing.assert_close(cam, torch.tensor([[[3., -4.], [3., 4.]]]))
    # the last map of a tuple, one class per image
    feats = torch.cat([FEATS, -FEATS])
    cams = head.cam((torch.zeros(2, 1, 1, 1), feats), torch.tensor([0, 1]))
    torch.testing.assert_close(cams, torch.stack([FEATS[0, 0],
                                                  -FEATS[0, 1]]))
