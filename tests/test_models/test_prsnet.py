"""PRSNet: relation backbone, part selection head, estimator and ablations."""
import pytest
import torch
from mmdet.models.task_modules.prior_generators import AnchorGenerator

from baa_mm.models.utils import map_boxes
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

ANCHORS = dict(
    _scope_='mmdet',
    type='AnchorGenerator',
    strides=[8, 16, 32],
    ratios=[0.5, 1.0, 2.0],
    scales=[1.5, 2.0])


def _cfg(**kw):
    cfg = dict(
        type='PRSNet',
        backbone=dict(
            type='RelationResNet',
            depth=18,
            in_channels=1,
            out_indices=(1, 2, 3)),
        head=dict(
            type='BoneAgeRegressionHead',
            sex_embed_dims=2,
            hidden_dims=(),
            age_mean=100.,
            age_std=40.,
            loss=dict(_scope_='mmdet', type='MSELoss')),
        part_selection=dict(
            type='PartSelectionHead',
            anchor_generator=ANCHORS,
            feat_channels=16),
        part_extractor=dict(
            type='PartFeatureExtractor',
            crop_size=16,
            backbone=dict(
                _scope_='mmpretrain',
                type='ResNet',
                depth=18,
                in_channels=1,
                out_indices=(3, ))))
    cfg.update(kw)
    return cfg


def _build(**kw):
    register_all_modules()
    model = MODELS.build(_cfg(**kw))
    model.init_weights()
    return model


def _batch(n=2, size=64, hr=128):
    samples = []
    for i in range(n):
        s = BoneAgeDataSample().set_gt_age(60. + 50 * i).set_sex(i % 2)
        s.hr_img = torch.rand(1, hr, hr)
        s.set_metainfo(
            dict(
                img_shape=(size, size),
                hr_factor=(hr / size, hr / size),
                img_id=i))
        samples.append(s)
    return dict(
        inputs=[torch.rand(1, size, size) for _ in range(n)],
        data_samples=samples)


def test_relation_backbone_shapes_and_maps():
    register_all_modules()
    net = MODELS.build(
        dict(
            type='RelationResNet',
            depth=18,
            in_channels=1,
            out_indices=(1, 2, 3)))
    x = torch.rand(2, 1, 64, 96)
    feats, maps = net(x, return_relation=True)
    assert [tuple(f.shape) for f in feats] == [(2, 128, 8, 12), (2, 256, 4, 6),
                                               (2, 512, 2, 3)]
    assert [tuple(m.shape) for m in maps] == [(2, 8, 12), (2, 4, 6), (2, 2, 3)]
    assert all(((m >= 0) & (m <= 1)).all() for m in maps)
    assert sorted(net.relations.keys()) == ['1', '2', '3']


def test_relation_module_formula():
    register_all_modules()
    mod = MODELS.build(
        dict(type='PartRelationModule', channels=4, norm_cfg=None)).eval()
    x = torch.randn(1, 4, 3, 3)
    f, rel = mod(x)
    expected = mod.trunk(x) * torch.sigmoid(mod.relation(x)) + \
        mod.residual(x)
    torch.testing.assert_close(f, expected)
    torch.testing.assert_close(rel, torch.sigmoid(mod.relation(x)))


def test_relation_feeds_the_next_stage():
    # F_i (not X_i) goes into stage i + 1: changing the relation conv of
    # res3 changes res4 and res5.
    register_all_modules()
    net = MODELS.build(
        dict(
            type='RelationResNet',
            depth=18,
            in_channels=1,
            out_indices=(1, 2, 3))).eval()
    x = torch.rand(1, 1, 64, 64)
    before = net(x)
    with torch.no_grad():
        net.relations['1'].residual.conv.weight.add_(0.5)
    after = net(x)
    for a, b in zip(before, after):
        assert not torch.allclose(a, b)


def test_anchors_match_mmdet_generator():
    model = _build()
    head = model.part_selection
    sizes = [(8, 8), (4, 4), (2, 2)]
    ours = head.anchors(sizes, 'cpu')
    ref = torch.cat(
        AnchorGenerator(
            strides=[8, 16, 32], ratios=[0.5, 1.0, 2.0],
            scales=[1.5, 2.0]).grid_priors(sizes, device='cpu'))
    torch.testing.assert_close(ours, ref)
    feats = model.backbone(torch.rand(2, 1, 64, 64))
    assert head(feats).shape == (2, ref.shape[0])
    # level order / location order: a score at level 0, location (y=1, x=2),
    # base anchor 3 is the anchor centred at (2 * 8, 1 * 8)
    k = (1 * 8 + 2) * 6 + 3
    centre = (ref[k, :2] + ref[k, 2:]) / 2
    torch.testing.assert_close(centre, torch.tensor([16., 8.]))


def test_loss_predict_tensor_and_gradients():
    model = _build()
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_age', 'loss_part', 'loss_rank'}
    sum(losses.values()).backward()
    for name in ('backbone.relations.1.relation.conv.weight',
                 'backbone.relations.3.trunk.conv.weight',
                 'part_extractor.backbone.conv1.weight'):
        grad = dict(model.named_parameters())[name].grad
        assert grad is not None and grad.abs().sum() > 0, name
    # the scores of the selected anchors (whichever levels they come from)
    # get the ranking loss's gradient
    scorer_grad = sum(p.grad.abs().sum()
                      for p in model.part_selection.parameters()
                      if p.grad is not None)
    assert scorer_grad > 0
    model.eval()
    model.return_relation_maps = True
    data = model.data_preprocessor(_batch(), False)
    out = model(**data, mode='predict')
    parts = out[0].pred_parts
    assert parts.bboxes.shape == (3, 4) and parts.scores.shape == (3, )
    torch.testing.assert_close(parts.hr_bboxes, parts.bboxes * 2)
    assert (parts.hr_bboxes <= 128).all()
    assert len(out[0].relation_maps) == 3
    ages = model(**data, mode='tensor')
    torch.testing.assert_close(ages, torch.stack([s.pred_age for s in out]))


def test_crops_use_hr_img_when_present():
    model = _build().eval()
    data = model.data_preprocessor(_batch(n=1, hr=128), False)
    boxes = torch.tensor([[[0., 0., 32., 32.]] * 3])
    hr_boxes = map_boxes(boxes,
                         model._hr_factors(data['data_samples'], boxes))
    crops = model._crops(data['inputs'], boxes, hr_boxes,
                         data['data_samples'])
    hr = data['data_samples'][0].hr_img
    expected = torch.nn.functional.avg_pool2d(hr[None, :, :64, :64], 4)[0]
    torch.testing.assert_close(
        crops[0], (expected - 0.5) / 0.25, atol=1e-5, rtol=1e-5)
    # without hr_img the crops come from the (normalised) input
    for s in data['data_samples']:
        del s.hr_img
    crops_in = model._crops(data['inputs'], boxes, hr_boxes,
                            data['data_samples'])
    inp = data['inputs'][0, :, :32, :32]
    expected_in = torch.nn.functional.avg_pool2d(inp[None], 2)[0]
    torch.testing.assert_close(crops_in[0], expected_in, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('relation,selection', [(False, True), (True, False),
                                                (False, False)])
def test_ablation_switches_remove_modules(relation, selection):
    full = _build()
    model = _build(with_relation=relation, with_selection=selection)
    n_full = sum(p.numel() for p in full.parameters())
    n = sum(p.numel() for p in model.parameters())
    assert n < n_full
    names = [k for k, _ in model.named_parameters()]
    assert any('relations' in k for k in names) == relation
    assert (model.part_selection is not None) == selection
    assert (model.part_extractor is not None) == selection
    assert any(k.startswith('part_') for k in names) == selection
    # head input: global (512) [+ part features (512)] + sex
    assert model.head.mlp[0].in_features == 512 * (1 + selection) + 2
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert ('loss_rank' in losses) == selection
    model.eval()
    out = model(**model.data_preprocessor(_batch(), False), mode='predict')
    assert ('pred_parts' in out[0]) == selection


def test_config_errors():
    with pytest.raises(ValueError, match='in_channels'):
        _build(head=dict(type='BoneAgeRegressionHead', in_channels=7))
    with pytest.raises(ValueError, match='part_selection'):
        _build(part_selection=None)
