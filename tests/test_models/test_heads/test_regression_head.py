"""BoneAgeRegressionHead: normalised targets, sex fusion, input checks."""
import pytest
import torch

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()


def _head(**kw):
    cfg = dict(type='BoneAgeRegressionHead', in_channels=2,
               sex_embed_dims=0, hidden_dims=(), age_mean=100., age_std=10.)
    cfg.update(kw)
    head = MODELS.build(cfg)
    head.init_weights()
    return head


def _linear_head(**kw):
    """One Linear layer with every weight 0.5 and bias 1 (the init_cfg):
    ``mlp(f) = 0.5 * sum(f) + 1``."""
    return _head(init_cfg=dict(type='Constant', layer='Linear', val=0.5,
                               bias=1.), **kw)


def _samples(*ages):
    return [BoneAgeDataSample().set_gt_age(a) for a in ages]


def test_forward_is_mlp_times_std_plus_mean():
    head = _linear_head()
    feats = torch.tensor([[1., 3.], [0., 0.]])
    # mlp: 0.5 * 4 + 1 = 3 and 0.5 * 0 + 1 = 1 (normalised ages)
    torch.testing.assert_close(head.forward_normalised(feats),
                               torch.tensor([3., 1.]))
    ages = head(feats)
    assert ages.dtype == torch.float32
    torch.testing.assert_close(ages, torch.tensor([3. * 10 + 100,
                                                   1. * 10 + 100]))
    # a tuple of features: the last one is used
    torch.testing.assert_close(head((torch.zeros(2, 2), feats)), ages)


def test_loss_is_l1_on_normalised_targets():
    head = _linear_head()
    feats = torch.tensor([[1., 3.], [0., 0.]])  # ages 130, 110
    # errors of 10 and 20 months, mean 15 months, / age_std 10
    losses = head.loss(feats, None, _samples(120., 130.))
    assert set(losses) == {'loss_age'}
    assert losses['loss_age'].item() == pytest.approx(1.5)
    # the same predictions with another age_std: the loss scales by 1/std
    # (targets and predictions are normalised by it), the ages do not change
    # the minimiser: a perfect prediction has zero loss for any std
    head20 = _linear_head(age_mean=70., age_std=20.)  # ages 130, 90
    assert head20.loss(feats, None, _samples(120., 130.))[
        'loss_age'].item() == pytest.approx((10 / 20 + 40 / 20) / 2)
    assert head20.loss(feats, None, _samples(130., 90.))[
        'loss_age'].item() == pytest.approx(0.)


def test_loss_takes_the_configured_loss():
    head = _linear_head(loss=dict(_scope_='mmdet', type='MSELoss',
                                  loss_weight=2.))
    feats = torch.tensor([[1., 3.], [0., 0.]])  # normalised 3 and 1
    # targets (120 - 100) / 10 = 2 and 3: squared errors 1 and 4
    loss = head.loss(feats, None, _samples(120., 130.))['loss_age']
    assert loss.item() == pytest.approx(2. * (1. + 4.) / 2)


def test_predict_writes_pred_age():
    head = _linear_head()
    feats = torch.tensor([[1., 3.], [0., 0.]])
    samples = head.predict(feats, None, _samples(1., 2.))
    assert [float(s.pred_age) for s in samples] == [130., 110.]
    assert [float(s.gt_age) for s in samples] == [1., 2.]
    new = head.predict(feats, None)
    assert len(new) == 2 and float(new[1].pred_age) == 110.


def test_sex_input():
    head = _linear_head(sex_embed_dims=4)  # embedding: default N(0, 1)
    feats = torch.zeros(2, 2)
    male = head(feats, torch.tensor([1, 1]))
    female = head(feats, torch.tensor([0, 0]))
    mixed = head(feats, torch.tensor([1, 0]))
    assert not torch.allclose(male, female)
    torch.testing.assert_close(mixed, torch.stack([male[0], female[1]]))
    # embedding 2 x 4; the linear layer sees features and embedding (2 + 4)
    assert sum(p.numel() for p in head.parameters()) == 2 * 4 + 6 + 1
    with pytest.raises(ValueError, match='configured with a sex input .* '
                       'but no sex was given; set sex_embed_dims=0'):
        head(feats)
    with pytest.raises(ValueError, match='no sex was given'):
        head.loss(feats, None, _samples(1., 2.))


def test_without_sex_embedding_sex_is_ignored():
    head = _linear_head(sex_embed_dims=0)
    assert not head.use_sex
    feats = torch.tensor([[1., 3.]])
    torch.testing.assert_close(head(feats, torch.tensor([1])), head(feats))
    torch.testing.assert_close(head(feats, torch.tensor([0])), head(feats))
    assert head(feats).item() == pytest.approx(130.)


def test_hidden_layers_and_shapes():
    head = _head(in_channels=8, sex_embed_dims=3, hidden_dims=(16, 4),
                 dropout=0.5).eval()
    feats, sex = torch.rand(5, 8), torch.tensor([0, 1, 0, 1, 1])
    out = head(feats, sex)
    assert out.shape == (5, ) and out.dtype == torch.float32
    # eval: dropout off, the same input gives the same ages
    torch.testing.assert_close(head(feats, sex), out)
    # parameters: embedding 2 x 3, Linear 11 -> 16 -> 4 -> 1
    assert sum(p.numel() for p in head.parameters()) == \
        2 * 3 + (11 * 16 + 16) + (16 * 4 + 4) + (4 + 1)


@pytest.mark.parametrize('shape', [(2, 2, 3, 3), (2, ), (2, 2, 1)])
def test_non_pooled_features_raise(shape):
    head = _linear_head()
    with pytest.raises(ValueError, match=r'expects pooled \(N, C\) features, '
                       rf'got shape \({", ".join(map(str, shape))},?\); add a '
                       'pooling neck'):
        head(torch.zeros(shape))


@pytest.mark.parametrize('std', [0., -1.])
def test_age_std_must_be_positive(std):
    with pytest.raises(ValueError, match=f'age_std must be positive, got '
                       f'{std}'):
        _head(age_std=std)
