"""HandSegRegressor: Mask R-CNN + residual attention regressor, end to end."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmengine.structures import InstanceData

from baa_mm.models.utils import choose_hand
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
    att_grad = model.backbone.stages[2][0].mask_out[-1].weight.grad
    for g in (seg_grad, reg_grad, att_grad):
        assert g is not None and g.abs().sum() > 0


def test_masking_zeroes_background_and_keeps_hand():
    model = _model()
    data = model.data_preprocessor(_batch(n=1), False)
    masks = model.gt_masks(data['inputs'], data['data_samples'])
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
    assert model.set_return_maps(True) is False
    data = model.data_preprocessor(_batch(), False)
    out = model(**data, mode='predict')
    assert out[0].metainfo['fallback'] == 'no hand'
    assert out[0].pred_hand.masks.all()
    # the backbone's attention masks, one per attention module
    assert list(out[0].pred_maps) == ['Att1_1', 'Att2_1', 'Att3_1']
    assert [tuple(m.shape) for m in out[0].pred_maps.values()] == [
        (16, 16), (8, 8), (4, 4)]
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


class _TwoHands(BaseModel):
    """A stand-in segmenter (mmdet's detector interface: a data
    preprocessor, ``loss`` and ``predict``) that finds the same two hands in
    every image: hand 0 on the right (score 0.9, smaller), hand 1 on the
    left (score 0.6, larger)."""

    def __init__(self, size=64, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        masks = torch.zeros(2, size, size, dtype=torch.bool)
        masks[0, 12:52, 38:58] = True   # right, 40 x 20
        masks[1, 6:58, 4:30] = True     # left, 52 x 26
        self.hand_masks = masks
        self.hand_boxes = torch.tensor([[38., 12., 58., 52.],
                                        [4., 6., 30., 58.]])
        self.hand_scores = torch.tensor([0.9, 0.6])

    def predict(self, inputs, data_samples, rescale=True):
        out = []
        for sample in data_samples:
            det = DetDataSample(metainfo=sample.metainfo)
            det.pred_instances = InstanceData(
                masks=self.hand_masks.clone(), bboxes=self.hand_boxes.clone(),
                scores=self.hand_scores.clone(),
                labels=torch.zeros(2, dtype=torch.long))
            out.append(det)
        return out

    def loss(self, inputs, data_samples):
        return {}

    def forward(self, inputs, data_samples=None, mode='predict'):
        return getattr(self, mode)(inputs, data_samples)


MODELS.register_module(name='TestTwoHandsSegmenter', module=_TwoHands,
                       force=True)


def _two_hand_images(n=2, size=64):
    """Different textures in the two hand regions and the background."""
    g = torch.Generator().manual_seed(0)
    imgs = [torch.rand(1, size, size, generator=g) * 0.3 + 0.1
            for _ in range(n)]
    for img in imgs:
        img[0, 12:52, 38:58] = torch.rand(40, 20, generator=g) * 0.5 + 0.5
        img[0, 6:58, 4:30] = torch.linspace(0., 1., 26).expand(52, 26)
    return imgs


def _regress_only(model):
    """The same backbone, neck and head without a segmenter."""
    ref = _model(segmenter=None)
    ref.load_state_dict(model.state_dict(), strict=True)
    return ref.eval()


@pytest.mark.parametrize('rule,hand', [('score', 0), ('rightmost', 0),
                                       ('leftmost', 1), ('largest', 1)])
def test_pred_age_is_regressed_on_the_chosen_hand(rule, hand):
    torch.manual_seed(0)
    model = _model(segmenter=dict(type='TestTwoHandsSegmenter'),
                   hand_rule=rule, score_thr=0.5).eval()
    with torch.no_grad():  # ages far apart for different images
        for p in model.head.parameters():
            p.normal_(std=0.3)
    ref = _regress_only(model)
    imgs = _two_hand_images()
    sexes = [0, 1]

    def batch(images):
        samples = [BoneAgeDataSample().set_sex(s) for s in sexes]
        for s in samples:
            s.set_metainfo(dict(img_shape=(64, 64)))
        return dict(inputs=images, data_samples=samples)

    with torch.no_grad():
        out = model.test_step(batch(imgs))
        per_hand = []
        for k in range(2):
            # the image with everything but hand k black, through the
            # regressor alone
            mask = _TwoHands().hand_masks[k]
            masked = [img * mask for img in imgs]
            per_hand.append(torch.stack(
                [s.pred_age for s in ref.test_step(batch(masked))]))
        whole = torch.stack([s.pred_age for s in ref.test_step(batch(imgs))])
    ages = torch.stack([s.pred_age for s in out])
    torch.testing.assert_close(ages, per_hand[hand])
    # the other hand and the whole image give other ages
    assert (ages - per_hand[1 - hand]).abs().min() > 0.01
    assert (ages - whole).abs().min() > 0.01
    for s in out:
        assert 'fallback' not in s.metainfo
        assert torch.equal(s.pred_hand.masks[0], _TwoHands().hand_masks[hand])
        assert s.pred_hand.scores.tolist() == pytest.approx([[0.9, 0.6][hand]])
        assert len(s.pred_instances) == 2 and s.num_hands == 2


def test_no_hand_above_the_threshold_regresses_on_the_whole_image():
    model = _model(segmenter=dict(type='TestTwoHandsSegmenter'),
                   score_thr=0.95).eval()
    ref = _regress_only(model)
    imgs = _two_hand_images()
    data = dict(inputs=imgs, data_samples=[
        BoneAgeDataSample(metainfo=dict(img_shape=(64, 64))).set_sex(0)
        for _ in imgs])
    with torch.no_grad():
        out = model.test_step(data)
        whole = ref.test_step(dict(inputs=imgs, data_samples=[
            BoneAgeDataSample().set_sex(0) for _ in imgs]))
    for s, r in zip(out, whole):
        assert s.metainfo['fallback'] == 'no hand'
        assert s.pred_hand.masks.all() and s.num_hands == 0
        torch.testing.assert_close(s.pred_age, r.pred_age)


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


def test_segmenter_gets_its_own_preprocessing():
    """The detector sees 0-255 pixels normalised with *its* mean/std (as
    from mmdet's pipeline), padded by its preprocessor, with DetDataSamples
    carrying the hand annotations - not the bone-age-normalised tensor."""
    model = _model()
    data = model.data_preprocessor(_batch(n=2, size=60), True)
    det = model.det_data(data['inputs'], data['data_samples'], training=True)
    inputs = det['inputs']
    # DetDataPreprocessor pads 60 -> 64 (pad_size_divisor=32)
    assert inputs.shape == (2, 3, 64, 64)
    pre = model.segmenter.data_preprocessor
    hand = (0.8 * 255. - pre.mean.flatten()) / pre.std.flatten()
    background = (0. - pre.mean.flatten()) / pre.std.flatten()
    torch.testing.assert_close(inputs[0, :, 30, 20], hand)
    torch.testing.assert_close(inputs[0, :, 2, 2], background)
    assert float(inputs[0, 0, 62, 62]) == 0.  # padding
    samples = det['data_samples']
    assert all(isinstance(s, DetDataSample) for s in samples)
    assert samples[0].batch_input_shape == (64, 64)
    assert samples[0].img_shape == (60, 60)
    # boxes as tensors and masks padded, as mmdet's detectors expect
    assert isinstance(samples[1].gt_instances.bboxes, torch.Tensor)
    torch.testing.assert_close(samples[1].gt_instances.bboxes,
                               torch.tensor([[11., 8., 41., 56.]]))
    assert samples[1].gt_instances.masks.masks.shape == (1, 64, 64)
    # the bone-age samples are not changed by mmdet's in-place edits
    assert isinstance(data['data_samples'][1].gt_instances.bboxes,
                      HorizontalBoxes)
    assert data['data_samples'][1].gt_instances.masks.masks.shape == (1, 60,
                                                                      60)
    # at inference the samples carry no annotations
    det = model.det_data(data['inputs'], data['data_samples'])
    assert 'gt_instances' not in det['data_samples'][0]


def test_build_fails_naming_what_a_part_lacks():
    with pytest.raises(TypeError,
                       match='HandSegRegressor needs its data_preprocessor '
                       'to provide to_pixels, pixel_value; '
                       'ImgDataPreprocessor does not'):
        _model(data_preprocessor=dict(type='ImgDataPreprocessor'))


@pytest.mark.parametrize('regress_on', ['gt', 'pred'])
def test_soft_coupling_lets_the_age_loss_train_the_segmenter(regress_on):
    """coupling='soft' (end to end): the regression loss alone has a
    gradient in the mask head and the segmenter's backbone; 'hard'
    (jointly trained): none."""
    grads = {}
    for coupling in ('hard', 'soft'):
        torch.manual_seed(0)
        model = _model(coupling=coupling, regress_on=regress_on,
                       score_thr=0.)
        data = model.data_preprocessor(_batch(), True)
        losses = model(**data, mode='loss')
        losses['loss_age'].backward()
        g = model.segmenter.roi_head.mask_head.conv_logits.weight.grad
        b = model.segmenter.backbone.conv1.weight.grad
        grads[coupling] = [0. if x is None else float(x.abs().sum())
                           for x in (g, b)]
    assert grads['hard'] == [0., 0.]
    assert all(v > 0 for v in grads['soft'])


def test_soft_masks_are_the_mask_heads_probabilities_in_the_box():
    model = _model(coupling='soft').eval()
    data = model.data_preprocessor(_batch(), False)
    boxes = torch.tensor([[10., 8., 40., 56.], [0., 0., 0., 0.]])
    found = torch.tensor([True, False])
    with torch.no_grad():
        masks = model.soft_masks(data['inputs'], boxes, found,
                                 data['data_samples'])
    assert masks.shape == (2, 64, 64)
    assert ((masks >= 0) & (masks <= 1)).all()
    # outside the box nothing of the image is kept; no box: all kept
    assert masks[0, :, :9].abs().max() == 0 and masks[0, 57:].abs().max() == 0
    assert (masks[0, 10:54, 12:38] > 0).all()
    assert (masks[1] == 1).all()
    # inference masks with the chosen predicted hand's probabilities
    out = model(**data, mode='predict')
    assert len(out) == 2 and all(torch.isfinite(s.pred_age) for s in out)


def test_coupling_arguments_are_checked():
    with pytest.raises(ValueError, match="coupling must be 'hard' or 'soft'"):
        _model(coupling='end2end')
    # nothing to couple without a segmenter: the whole image is regressed
    assert not _model(coupling='soft', segmenter=None).with_segmenter
