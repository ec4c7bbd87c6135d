"""EarlyFusionRegressor: builds from the VGG-16-BN / Inception-v3 /
ResNet-50 model base config, the loss and predict modes, gradients into
every branch, and clear errors for a head/feature size mismatch."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from baa_mm.models.estimators import EarlyFusionRegressor
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules
from conftest import REPO

register_all_modules()

SIZE = 80  # small, and above Inception-v3's minimum (75)


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    cfg = Config.fromfile(osp.join(REPO, 'configs', '_base_', 'models',
                                   'early_fusion_vgg16-inception-r50.py'))
    return MODELS.build(cfg.model)


def _batch(model, n=2):
    samples = []
    for i in range(n):
        s = BoneAgeDataSample(metainfo=dict(img_id=str(i),
                                            img_shape=(SIZE, SIZE)))
        s.set_gt_age(20. + 30 * i)  # years
        samples.append(s)
    # grayscale inputs, repeated to 3 channels by the preprocessor
    return model.data_preprocessor(dict(
        inputs=[torch.rand(1, SIZE, SIZE) for _ in range(n)],
        data_samples=samples), training=True)


def test_builds_from_three_backbones(model):
    assert isinstance(model, EarlyFusionRegressor)
    names = [type(b).__name__ for b in model.backbone.backbones]
    assert names == ['VGG', 'TIMMBackbone', 'ResNet']
    assert model.backbone.branch_channels == [512, 2048, 2048]
    assert model.backbone.out_channels == model.head.in_channels == 4608
    assert not model.head.use_sex


def test_loss_and_predict(model):
    data = _batch(model)
    assert data['inputs'].shape == (2, 3, SIZE, SIZE) and data['sex'] is None
    model.train()
    feats, = model.extract_feat(data['inputs'])
    assert feats.shape == (2, 4608)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_age'} and torch.isfinite(losses['loss_age'])
    model.zero_grad()
    losses['loss_age'].backward()
    for backbone in model.backbone.backbones:
        first = next(p for p in backbone.parameters() if p.dim() == 4)
        assert first.grad is not None and first.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(**data, mode='predict')
        ages = model(**data, mode='tensor')
    assert [p.img_id for p in preds] == ['0', '1']
    pred = torch.stack([p.pred_age for p in preds])
    assert torch.isfinite(pred).all() and ages.shape == (2, )
    assert torch.allclose(pred, ages, atol=1e-4)


def _small(head_in, declare=True, neck=True):
    branch = dict(
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      stem_channels=8, base_channels=8, out_indices=(3, )))
    if neck:
        branch['neck'] = dict(_scope_='mmpretrain',
                              type='GlobalAveragePooling')
    if declare:
        branch['out_channels'] = 64
    return dict(type='EarlyFusionRegressor', branches=[branch, branch],
                head=dict(type='BoneAgeRegressionHead', in_channels=head_in,
                          sex_embed_dims=0, hidden_dims=(8, )))


def test_head_size_mismatch_is_a_build_error():
    with pytest.raises(ValueError, match=r'head.in_channels=100 but the '
                       r'branches give 128 features \(declared: 64 \+ 64\)'):
        MODELS.build(_small(100))
    assert MODELS.build(_small(128)).backbone.out_channels == 128


def test_undeclared_sizes_are_checked_on_the_first_batch():
    model = MODELS.build(_small(100, declare=False)).eval()
    assert model.backbone.out_channels is None
    x = torch.rand(2, 3, 32, 32)
    with pytest.raises(ValueError, match=r'head.in_channels=100 but the '
                       r'branches give 128 features \(declared: \? \+ \?\)'):
        model(x)
    model = MODELS.build(_small(128, declare=False, neck=False)).eval()
    with pytest.raises(ValueError, match='add a pooling neck'):
        model(x)


def test_branch_spec_errors():
    cfg = _small(128)
    cfg['branches'] = [dict(bakbone=cfg['branches'][0]['backbone'])]
    with pytest.raises(ValueError, match="keys \\['bakbone'\\]"):
        MODELS.build(cfg)
