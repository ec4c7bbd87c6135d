"""PRSNet: the estimator, its losses and ablations (the relation backbone,
the part selection head and the ranking loss have their own test files)."""
import pytest
import torch
from mmcv.ops import roi_align

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
    assert model.set_return_maps(True) is False
    data = model.data_preprocessor(_batch(), False)
    out = model(**data, mode='predict')
    parts = out[0].pred_parts
    assert parts.bboxes.shape == (3, 4) and parts.scores.shape == (3, )
    torch.testing.assert_close(parts.hr_bboxes, parts.bboxes * 2)
    assert (parts.hr_bboxes <= 128).all()
    # one relation map per relation module (res3..res5 of a 64 px input)
    assert list(out[0].pred_maps) == ['relation_res3', 'relation_res4',
                                      'relation_res5']
    assert [tuple(m.shape) for m in out[0].pred_maps.values()] == [
        (8, 8), (4, 4), (2, 2)]
    ages = model(**data, mode='tensor')
    torch.testing.assert_close(ages, torch.stack([s.pred_age for s in out]))


def _expected_part_ages(model, images, boxes, normalise):
    """Ages (months) the part branch gives for RoIAlign crops (16 px,
    adaptive sampling, aligned) of ``images`` at ``boxes`` (N, M, 4)."""
    crops = torch.cat([
        roi_align(img[None].float(),
                  torch.cat([b.new_zeros(len(b), 1), b], dim=1), (16, 16),
                  1.0, 0, 'avg', True) for img, b in zip(images, boxes)])
    if normalise:  # crops of [0, 1] pixels, normalised as the inputs
        crops = (crops - 0.5) / 0.25
    _, ages = model.part_extractor(crops, boxes.shape[1])
    return ages * 40. + 100.


def test_part_crops_come_from_hr_img_when_present():
    model = _build().eval()
    batch = _batch(n=2, hr=128)
    hr_imgs = [s.hr_img.clone() for s in batch['data_samples']]
    data = model.data_preprocessor(batch, False)
    inputs = data['inputs']
    with torch.no_grad():
        out = model(**data, mode='predict')
        parts = [s.pred_parts for s in out]
        hr_boxes = torch.stack([p.hr_bboxes for p in parts])
        torch.testing.assert_close(hr_boxes,
                                   torch.stack([p.bboxes for p in parts]) * 2)
        expected = _expected_part_ages(model, hr_imgs, hr_boxes, True)
        torch.testing.assert_close(torch.stack([p.ages for p in parts]),
                                   expected, atol=1e-3, rtol=1e-5)
        # without hr_img the crops come from the (normalised) inputs at the
        # input-pixel boxes
        for s in data['data_samples']:
            del s.hr_img
        out = model(**data, mode='predict')
        parts = [s.pred_parts for s in out]
        boxes = torch.stack([p.bboxes for p in parts])
        expected_in = _expected_part_ages(model, list(inputs), boxes, False)
        torch.testing.assert_close(torch.stack([p.ages for p in parts]),
                                   expected_in, atol=1e-3, rtol=1e-5)
    assert not torch.allclose(expected, expected_in)


def _ranking_loss_by_hand(ages, scores, targets, sign=-1.):
    """NTS-Net hinge: for parts j, k of one image with confidence
    ``sign * |age - target|`` higher for j, ``max(0, 1 - (s_j - s_k))``;
    summed over pairs, averaged over images."""
    total = 0.
    for a, s, t in zip(ages.tolist(), scores.tolist(), targets):
        conf = [sign * abs(x - t) for x in a]
        for j in range(len(a)):
            for k in range(len(a)):
                if conf[j] > conf[k]:
                    total += max(0., 1. - (s[j] - s[k]))
    return total / len(targets)


def test_rank_loss_ranks_parts_by_closeness_to_the_truth():
    """loss_rank uses confidence = -|part age - target|: a part whose age
    is closer to the truth must score higher."""
    model = _build().eval()  # eval: the same parts in loss and predict
    data = model.data_preprocessor(_batch(), False)
    targets = [float(s.gt_age) for s in data['data_samples']]  # 60, 110
    with torch.no_grad():
        loss_rank = model(**data, mode='loss')['loss_rank'].item()
        out = model(**data, mode='predict')
    ages = torch.stack([s.pred_parts.ages for s in out])
    scores = torch.stack([s.pred_parts.scores for s in out])
    assert ages.shape == scores.shape == (2, 3)
    expected = _ranking_loss_by_hand(ages, scores, targets)
    assert loss_rank == pytest.approx(expected, rel=1e-5, abs=1e-6)
    # the opposite sign (farther = more confident) is a different number
    flipped = _ranking_loss_by_hand(ages, scores, targets, sign=1.)
    assert abs(flipped - expected) > 1e-4
    # (the gradient sign of the hinge: test_part_ranking_loss.py)


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


def test_build_fails_naming_what_a_part_lacks():
    plain = dict(_scope_='mmpretrain', type='ResNet', depth=18, in_channels=1,
                 out_indices=(1, 2, 3))
    # mmpretrain's ResNet does not say how wide its outputs are
    with pytest.raises(TypeError,
                       match='PRSNet needs its backbone to provide '
                       'out_channels; ResNet does not'):
        _build(backbone=plain)
    # the "w/o relation" switch needs a backbone that takes relation_indices
    with pytest.raises(TypeError,
                       match=r"relation_indices=\(\); backbone type 'ResNet' "
                       'does not take that argument'):
        _build(backbone=dict(plain, _scope_=None, type='ResNet'),
               with_relation=False)
    with pytest.raises(TypeError,
                       match='PRSNet needs its data_preprocessor to provide '
                       'normalize'):
        _build(data_preprocessor=dict(type='ImgDataPreprocessor'))


def test_distribution_head_plugs_in():
    """The head sees the fused (global + part) features through its public
    forward/loss, so age as a distribution replaces the regression head by
    config; the part branch still regresses normalised ages."""
    model = _build(head=dict(
        type='BoneAgeDistributionHead',
        sex_embed_dims=2,
        hidden_dims=(),
        num_bins=61,
        max_age=240.,
        age_mean=100.,
        age_std=40.,
        loss=dict(_scope_='mmpretrain', type='CrossEntropyLoss',
                  use_soft=True)))
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_age', 'loss_part', 'loss_rank'}
    sum(losses.values()).backward()
    assert model.head.mlp[-1].weight.grad.abs().sum() > 0
    model.eval()
    data = model.data_preprocessor(_batch(), False)
    out = model(**data, mode='predict')
    ages = torch.stack([s.pred_age for s in out])
    # an expected age over bins 0..240
    assert ((ages >= 0) & (ages <= 240)).all()
    torch.testing.assert_close(model(**data, mode='tensor'), ages)
    assert out[0].pred_parts.ages.shape == (3, )


def test_per_level_part_features_reach_the_age():
    """The paper's reading: a part scored on res3/res4/res5 takes its
    feature from that stage of the part CNN."""
    model = _build(part_extractor=dict(
        type='PartFeatureExtractor',
        crop_size=16,
        part_levels=(0, 1, 2),
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, out_indices=(1, 2, 3))))
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    sum(losses.values()).backward()
    grads = [p.weight.grad for p in model.part_extractor.level_proj
             if hasattr(p, 'weight')]
    # at least one part came from res3 or res4 on these random inputs, or
    # all from res5: either way some part of the branch learns
    assert model.part_extractor.backbone.conv1.weight.grad.abs().sum() > 0
    assert len(grads) == 2
    model.eval()
    out = model(**model.data_preprocessor(_batch(), False), mode='predict')
    assert out[0].pred_parts.ages.shape == (3, )
