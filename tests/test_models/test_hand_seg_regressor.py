"""HandSegRegressor: Mask R-CNN + residual attention regressor, end to end."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.structures import InstanceData

from baa_mm.models.estimators import choose_hand
from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules
from conftest import REPO

SEG = Config.fromfile(osp.join(
    REPO, 'configs/_base_/models/mask_rcnn_r18_fpn_hand.py')).model.to_dict()


def _model(**kw):
    register_all_modules()
    cfg = dict(
        type='HandSegRegressor',
        segmenter=SEG,
        backbone=dict(type='ResidualAttentionNet', base_channels=8,
                      stage_modules=(1, 1, 1)),
        neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
        head=dict(type='BoneAgeRegressionHead', in_channels=256,
                  age_mean=100., age_std=40.))
    cfg.update(kw)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _batch(n=2, size=64):
    samples, inputs = [], []
    for i in range(n):
        img = torch.zeros(1, size, size)
        mask = np.zeros((size, size), np.uint8)
        mask[8:56, 10 + i:40 + i] = 1
        img[0][torch.from_numpy(mask).bool()] = 0.8
        s = BoneAgeDataSample().set_gt_age(50. + 60 * i).set_sex(i % 2)
        s.gt_instances = InstanceData(
            bboxes=HorizontalBoxes(torch.tensor([[10. + i, 8., 40. + i,
                                                  56.]])),
            labels=torch.zeros(1, dtype=torch.long),
            masks=BitmapMasks(mask[None], size, size))
        s.set_metainfo(dict(img_shape=(size, size), primary_hand=0))
        samples.append(s)
        inputs.append(img)
    return dict(inputs=inputs, data_samples=samples)


def test_loss_has_both_terms_and_gradients_reach_both():
    model = _model()
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    for key in ('loss_rpn_cls', 'loss_cls', 'loss_bbox', 'loss_mask',
                'loss_age'):
        assert key in losses, key
    total, _ = model.parse_losses(losses)
    total.backward()
    seg_grad = model.segmenter.roi_head.mask_head.conv_logits.weight.grad
    reg_grad = model.backbone.stem[0].weight.grad
    att_grad = model.backbone.stages[2][0].mask_out[-2].weight.grad
    for g in (seg_grad, reg_grad, att_grad):
        assert g is not None and g.abs().sum() > 0


def test_masking_zeroes_background_and_keeps_hand():
    model = _model()
    data = model.data_preprocessor(_batch(n=1), False)
    masks = model._gt_masks(data['inputs'], data['data_samples'])
    assert masks.sum() == 48 * 30
    out = model.mask_inputs(data['inputs'], masks)
    raw = out * 0.25 + 0.5  # undo the preprocessor's normalisation
    hand = masks[0].bool()
    torch.testing.assert_close(raw[0, 0][hand], torch.full(
        (int(hand.sum()), ), 0.8))
    assert raw[0, 0][~hand].abs().max() < 1e-6
    # crop_to_hand: the hand box fills the output
    model.crop_to_hand, model.crop_margin = True, 0.
    cropped = model.mask_inputs(data['inputs'], masks) * 0.25 + 0.5
    assert cropped.shape == out.shape
    assert cropped[0, 0, 5:-5, 5:-5].min() > 0.75


def test_choose_hand_rules_and_no_hand():
    masks = torch.zeros(3, 10, 20, dtype=torch.bool)
    masks[0, :, :2] = True   # small, left
    masks[1, :, 5:15] = True  # large, middle
    masks[2, :, 17:] = True  # right
    inst = InstanceData(scores=torch.tensor([0.9, 0.6, 0.4]), masks=masks,
                        bboxes=torch.tensor([[0., 0, 2, 10], [5., 0, 15, 10],
                                             [17., 0, 20, 10]]))
    assert choose_hand(inst, 'score', 0.5) == 0
    assert choose_hand(inst, 'largest', 0.5) == 1
    assert choose_hand(inst, 'leftmost', 0.3) == 0
    assert choose_hand(inst, 'rightmost', 0.3) == 2
    assert choose_hand(inst, 'rightmost', 0.5) == 1
    assert choose_hand(inst, 'score', 0.95) == -1
    with pytest.raises(ValueError, match='hand_rule'):
        choose_hand(inst, 'middle')


def test_predict_fallback_and_attention_maps():
    model = _model(score_thr=1.01).eval()  # no hand can pass
    model.return_attention_maps = True
    data = model.data_preprocessor(_batch(), False)
    out = model(**data, mode='predict')
    assert out[0].metainfo['fallback'] == 'no hand'
    assert out[0].pred_hand.masks.all()
    assert len(out[0].attention_maps) == 3
    ages = model(**data, mode='tensor')
    torch.testing.assert_close(ages, torch.stack([s.pred_age for s in out]))


def test_predict_uses_the_chosen_predicted_mask():
    model = _model(score_thr=0.).eval()
    data = model.data_preprocessor(_batch(n=1), False)
    masks, preds, chosen = model.segment(data['inputs'],
                                         data['data_samples'])
    assert chosen[0] >= 0
    torch.testing.assert_close(masks[0],
                               preds[0].masks[chosen[0]].float())
    # predict: the chosen hand in pred_hand, every hand in pred_instances
    out = model(**data, mode='predict')[0]
    k = len(preds[0])
    assert out.pred_instances.masks.shape == (k, ) + masks.shape[-2:]
    torch.testing.assert_close(out.pred_instances.scores, preds[0].scores)
    torch.testing.assert_close(out.pred_hand.masks[0],
                               out.pred_instances.masks[chosen[0]])
    assert out.num_hands == k  # score_thr 0: all count


def test_without_segmenter_and_config_errors():
    model = _model(segmenter=None)
    assert not model.with_segmenter
    data = model.data_preprocessor(_batch(), True)
    assert set(model(**data, mode='loss')) == {'loss_age'}
    with pytest.raises(ValueError, match='regress_on'):
        _model(regress_on='both')


def test_tiny_end_to_end_train_step():
    model = _model(regress_on='pred', score_thr=0.)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    before = model.backbone.stem[0].weight.detach().clone()
    seg_before = model.segmenter.backbone.conv1.weight.detach().clone()
    log = model.train_step(_batch(), optim)
    assert torch.isfinite(log['loss'])
    assert not torch.equal(before, model.backbone.stem[0].weight)
    assert not torch.equal(seg_before, model.segmenter.backbone.conv1.weight)
