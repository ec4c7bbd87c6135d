"""BoneAgeDistributionHead: shapes, expectation, losses, the swap into the
baseline regressor, argument checks."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..'))
BASELINE = osp.join(REPO, 'configs', '_base_', 'models', 'baseline_r18.py')


def _head(**kw):
    cfg = dict(type='BoneAgeDistributionHead', in_channels=4,
               sex_embed_dims=2, hidden_dims=(8, ), age_mean=100.,
               age_std=40.)
    cfg.update(kw)
    head = MODELS.build(cfg)
    head.init_weights()
    return head


def _samples(*ages):
    return [BoneAgeDataSample().set_gt_age(a).set_sex(i % 2)
            for i, a in enumerate(ages)]


def test_shapes_and_defaults():
    head = _head()
    assert head.num_bins == 241 and head.bin_width == 1.
    feats, sex = torch.randn(3, 4), torch.tensor([0, 1, 1])
    assert head.forward_logits(feats, sex).shape == (3, 241)
    dist = head.distribution(feats, sex)
    assert dist.shape == (3, 241) and dist.dtype == torch.float32
    torch.testing.assert_close(dist.sum(1), torch.ones(3))
    ages = head(feats, sex)
    assert ages.shape == (3, ) and ages.dtype == torch.float32
    torch.testing.assert_close(ages, dist @ head.bin_centers())
    torch.testing.assert_close(head.forward_normalised(feats, sex),
                               (ages - 100.) / 40.)
    # tuple of features: the last is used
    torch.testing.assert_close(head((torch.zeros(3, 7), feats), sex), ages)
    samples = head.predict(feats, sex, _samples(10., 20., 30.))
    torch.testing.assert_close(torch.stack([s.pred_age for s in samples]),
                               ages)


@pytest.mark.parametrize('num_bins,max_age,step', [(241, 240., 1.),
                                                   (11, 100., 10.)])
def test_expectation_of_one_hot_is_its_class_age(num_bins, max_age, step):
    head = _head(num_bins=num_bins, max_age=max_age)
    logits = torch.full((num_bins, num_bins), -1e4)
    logits.fill_diagonal_(0.)
    torch.testing.assert_close(head.expected_age(logits),
                               torch.arange(num_bins).float() * step)
    centers = head.bin_centers()
    assert centers[0] == 0 and centers[-1] == max_age


def test_soft_labels_are_in_months_whatever_the_bins():
    fine = _head(kernel='triangular', delta=20.)
    coarse = _head(num_bins=25, max_age=240., kernel='triangular',
                   delta=20.)
    y_fine = fine.soft_labels(torch.tensor([100.]))
    y_coarse = coarse.soft_labels(torch.tensor([100.]))
    assert y_fine.shape == (1, 241) and y_coarse.shape == (1, 25)
    # symmetric labels inside the range: their mean is the true age
    assert (y_fine @ fine.bin_centers()).item() == pytest.approx(100.)
    assert (y_coarse @ coarse.bin_centers()).item() == pytest.approx(100.)
    # support |age - 100| < 20 months: classes 81..119 / 90 and 100 and 110
    assert int((y_fine > 0).sum()) == 39
    assert torch.nonzero(y_coarse[0])[:, 0].tolist() == [9, 10, 11]


def test_loss_terms_and_l1_weight():
    head = _head(l1_weight=0.5)
    feats, sex = torch.randn(2, 4), torch.tensor([0, 1])
    samples = _samples(30., 180.)
    losses = head.loss(feats, sex, samples)
    assert set(losses) == {'loss_cls', 'loss_age'}
    ages = head(feats, sex)
    expected_l1 = 0.5 * (ages - torch.tensor([30., 180.])).abs().mean() / 40.
    torch.testing.assert_close(losses['loss_age'], expected_l1)
    # cross-entropy against the soft labels
    logp = head.forward_logits(feats, sex).log_softmax(1)
    y = head.soft_labels(torch.tensor([30., 180.]))
    torch.testing.assert_close(losses['loss_cls'], -(y * logp).sum(1).mean())
    assert set(_head(l1_weight=0.).loss(feats, sex, samples)) == {'loss_cls'}
    with pytest.raises(NotImplementedError, match='loss_logits'):
        head.loss_normalised(ages, samples)


def test_loss_decreases_with_sgd():
    torch.manual_seed(0)
    head = _head(init_cfg=None)
    feats, sex = torch.randn(4, 4), torch.tensor([0, 1, 0, 1])
    samples = _samples(20., 70., 140., 200.)
    optim = torch.optim.SGD(head.parameters(), lr=1.0)
    totals = []
    for _ in range(8):
        loss = sum(head.loss(feats, sex, samples).values())
        optim.zero_grad()
        loss.backward()
        optim.step()
        totals.append(loss.item())
    # every step helps (the floor is the soft labels' entropy, ~3.6 here)
    assert all(b < a for a, b in zip(totals, totals[1:])), totals
    assert totals[-1] < totals[0] - 0.1, totals


def test_bf16_autocast_gives_float32_ages_and_losses():
    head = _head()
    feats, sex = torch.randn(2, 4), torch.tensor([0, 1])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert head.forward_logits(feats, sex).dtype == torch.bfloat16
        ages = head(feats, sex)
        losses = head.loss(feats, sex, _samples(50., 60.))
    assert ages.dtype == torch.float32
    assert all(v.dtype == torch.float32 for v in losses.values())


@pytest.mark.parametrize('kw,match', [
    (dict(num_bins=1), 'num_bins must be an integer >= 2'),
    (dict(num_bins=2.5), 'num_bins must be an integer >= 2'),
    (dict(max_age=0.), 'max_age must be positive'),
    (dict(max_age=-12.), 'max_age must be positive'),
    (dict(delta=0.), 'delta must be positive'),
    (dict(kernel='box'), "kernel must be 'triangular' or 'gaussian'"),
    (dict(l1_weight=-0.1), 'l1_weight must be >= 0'),
    (dict(loss=dict(_scope_='mmdet', type='L1Loss')),
     'needs a classification loss'),
])
def test_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        _head(**kw)


# ------------------------------------------- swapped into the baseline
def _baseline_with(head: dict):
    cfg = Config.fromfile(BASELINE)
    cfg.merge_from_dict(dict(model=dict(head=head)))
    return cfg.model


def _batch():
    samples = [BoneAgeDataSample(metainfo=dict(img_id=str(i)))
               .set_gt_age(60. + 90 * i).set_sex(i) for i in range(2)]
    return dict(inputs=[torch.rand(1, 32, 32) for _ in range(2)],
                data_samples=samples)


def test_swapped_into_baseline_regressor():
    head = dict(type='BoneAgeDistributionHead',
                loss=dict(_delete_=True, _scope_='mmpretrain',
                          type='CrossEntropyLoss', use_soft=True))
    model_cfg = _baseline_with(head)
    # the rest of the head (channels, sex, MLP, age stats) is the base's
    assert model_cfg.head.in_channels == 512
    assert model_cfg.head.hidden_dims == (256, )
    model = MODELS.build(model_cfg)
    model.init_weights()
    assert type(model.head).__name__ == 'BoneAgeDistributionHead'
    assert model.head.mlp[-1].out_features == 241
    data = model.data_preprocessor(_batch(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_age'}
    sum(losses.values()).backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(**model.data_preprocessor(_batch()), mode='predict')
    assert [p.img_id for p in preds] == ['0', '1']
    ages = torch.stack([p.pred_age for p in preds])
    assert ages.dtype == torch.float32 and ((ages >= 0) & (ages <= 240)).all()


def test_inherited_regression_loss_is_refused():
    model_cfg = _baseline_with(dict(type='BoneAgeDistributionHead'))
    with pytest.raises(ValueError, match='_delete_=True'):
        MODELS.build(model_cfg)
