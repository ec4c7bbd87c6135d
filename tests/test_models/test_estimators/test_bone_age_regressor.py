"""BoneAgeRegressor: the three modes, sex input, gradients (the head and the
data preprocessor have their own test files)."""
import pytest
import torch

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()


def _cfg(**head_kw):
    head = dict(type='BoneAgeRegressionHead', in_channels=512,
                sex_embed_dims=8, hidden_dims=(16, ), age_mean=100.,
                age_std=40.)
    head.update(head_kw)
    return dict(
        type='BoneAgeRegressor',
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, out_indices=(3, )),
        neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
        head=head)


def _batch(n=3, size=64, with_sex=True):
    samples = []
    for i in range(n):
        s = BoneAgeDataSample(metainfo=dict(img_id=str(i)))
        s.set_gt_age(60. + 30 * i)
        if with_sex:
            s.set_sex(i % 2)
        samples.append(s)
    return dict(inputs=[torch.rand(1, size, size) for _ in range(n)],
                data_samples=samples)


def test_three_modes():
    model = MODELS.build(_cfg())
    model.init_weights()
    data = model.data_preprocessor(_batch(), training=True)
    assert data['sex'].tolist() == [0, 1, 0]
    assert data['inputs'].shape == (3, 1, 64, 64)
    ages = model(**data, mode='tensor')
    assert ages.shape == (3, ) and ages.dtype == torch.float32
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_age'} and losses['loss_age'] > 0
    preds = model(**data, mode='predict')
    assert len(preds) == 3 and preds[0].img_id == '0'
    assert torch.allclose(torch.stack([p.pred_age for p in preds]), ages,
                          atol=1e-4)
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(**data, mode='bogus')


def test_sex_changes_prediction_and_is_required():
    model = MODELS.build(_cfg())
    model.init_weights()
    torch.nn.init.normal_(model.head.sex_embed.weight, std=1.)
    model.eval()
    data = model.data_preprocessor(_batch(2))
    x = data['inputs']
    male = model(x, sex=torch.ones(2, dtype=torch.long))
    female = model(x, sex=torch.zeros(2, dtype=torch.long))
    assert not torch.allclose(male, female)
    with pytest.raises(ValueError, match='configured with a sex input'):
        model(x, sex=None)


def test_sexless_head_and_gradients():
    model = MODELS.build(_cfg(sex_embed_dims=0))
    data = model.data_preprocessor(_batch(2, with_sex=False), training=True)
    assert data['sex'] is None
    loss = model(**data, mode='loss')['loss_age']
    loss.backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    assert model.head.mlp[0].weight.grad.abs().sum() > 0
