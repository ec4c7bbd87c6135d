"""CAMLocalizer (Chen et al., phase I) on a tiny ResNet-18: loss, predicted
boxes (input and full-resolution pixels), which class's map, maps."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose

from baa_mm.registry import MODELS, TRANSFORMS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()


def _build(**kw):
    cfg = dict(
        type='CAMLocalizer',
        region='R1',
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, out_indices=(3, )),
        head=dict(type='SoftLabelCAMHead', in_channels=512, pool='max'))
    cfg.update(kw)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _batch(ages=(60., 150.), size=64, hr_factor=None):
    samples = []
    for i, age in enumerate(ages):
        s = BoneAgeDataSample().set_gt_age(age)
        meta = dict(img_shape=(size, size), img_id=str(i))
        if hr_factor is not None:
            meta['hr_factor'] = hr_factor
        s.set_metainfo(meta)
        samples.append(s)
    g = torch.Generator().manual_seed(1)
    return dict(inputs=[torch.rand(1, size, size, generator=g)
                        for _ in ages], data_samples=samples)


def _block_cam(calls, h=8, w=8, rows=(2, 4), cols=(4, 6)):
    """A ``head.cam`` replacement: records the classes, returns maps with
    one bright block."""
    def cam(feats, classes):
        calls.append(classes.clone())
        maps = torch.zeros(len(classes), h, w)
        maps[:, rows[0]:rows[1], cols[0]:cols[1]] = 1.
        return maps
    return cam


def test_loss_is_finite_and_reaches_the_backbone():
    model = _build()
    model.train()
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls'}
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    for p in (model.backbone.conv1.weight, model.head.fc.weight):
        assert p.grad is not None and p.grad.abs().sum() > 0


def test_predict_fills_the_fields_and_tensor_gives_the_ages():
    model = _build().eval()
    data = model.data_preprocessor(_batch(), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
        ages = model(**data, mode='tensor')
        logits = model.head(model.extract_feat(data['inputs']))
    assert len(out) == 2
    probs = logits.softmax(1)
    for i, s in enumerate(out):
        assert torch.isfinite(s.pred_age)
        assert s.pred_age.item() == pytest.approx(ages[i].item(), abs=1e-4)
        assert 0 <= s.pred_age <= 239
        parts = s.pred_parts
        assert parts.bboxes.shape == (1, 4) and parts.hr_bboxes.shape == (1,
                                                                          4)
        assert parts.names == ['R1']
        b = parts.bboxes[0]
        assert 0 <= b[0] < b[2] <= 64 and 0 <= b[1] < b[3] <= 64
        # no hr_factor: full resolution = input pixels
        torch.testing.assert_close(parts.hr_bboxes, parts.bboxes)
        # the score is the probability of the predicted class
        cls = probs[i].argmax()
        assert parts.scores.shape == (1, )
        assert parts.scores[0].item() == pytest.approx(probs[i, cls].item(),
                                                       rel=1e-5)
        assert 'pred_maps' not in s


def test_hr_bboxes_are_bboxes_times_hr_factor():
    model = _build().eval()
    data = model.data_preprocessor(_batch(hr_factor=(2., 3.)), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    for s in out:
        torch.testing.assert_close(
            s.pred_parts.hr_bboxes,
            s.pred_parts.bboxes * torch.tensor([2., 3., 2., 3.]))


def test_without_hr_factor_the_resize_scale_factor_maps_the_boxes():
    # a pipeline without StoreFullResImage: mmcv's Resize scale_factor
    # (input / original) gives the original pixels
    model = _build().eval()
    batch = _batch()
    for s in batch['data_samples']:
        s.set_metainfo(dict(scale_factor=(0.5, 0.25)))
    with torch.no_grad():
        out = model(**model.data_preprocessor(batch, False), mode='predict')
    for s in out:
        torch.testing.assert_close(
            s.pred_parts.hr_bboxes,
            s.pred_parts.bboxes * torch.tensor([2., 4., 2., 4.]))


def test_controlled_cam_gives_its_block_in_input_and_full_res_pixels(
        monkeypatch):
    """A real pipeline (StoreFullResImage + Resize) on a 96 x 128 image:
    hr_factor (2, 1.5); the map's block maps to exact boxes."""
    model = _build().eval()
    calls = []
    monkeypatch.setattr(model.head, 'cam', _block_cam(calls))
    pipeline = Compose([TRANSFORMS.build(t) for t in [
        dict(type='StoreFullResImage'),
        dict(type='Resize', scale=(64, 64), keep_ratio=False),
        dict(type='PackBoneAgeInputs')]])
    img = np.random.default_rng(0).random((96, 128)).astype(np.float32)
    packed = pipeline(dict(img=img, img_shape=(96, 128), ori_shape=(96, 128),
                           img_id='x', gt_age=100.))
    assert packed['data_samples'].metainfo['hr_factor'] == (2., 1.5)
    data = model.data_preprocessor(
        dict(inputs=[packed['inputs']],
             data_samples=[packed['data_samples']]), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    # 8x8 -> 64x64: block rows 2-3, cols 4-5 -> (32, 16, 48, 32)
    assert out[0].pred_parts.bboxes.tolist() == [[32., 16., 48., 32.]]
    assert out[0].pred_parts.hr_bboxes.tolist() == [[64., 24., 96., 48.]]
    # predicted class (default cam_class='pred') reached head.cam
    with torch.no_grad():
        logits = model.head(model.extract_feat(data['inputs']))
    assert torch.equal(calls[0], logits.argmax(1))


def test_box_stays_inside_the_img_shape_of_a_padded_batch(monkeypatch):
    model = _build().eval()
    # the block lies in rows 48-63, the padding of a 32 x 64 image
    monkeypatch.setattr(model.head, 'cam',
                        _block_cam([], rows=(6, 8), cols=(0, 8)))
    data = _batch(ages=(60., ))
    data['data_samples'][0].set_metainfo(dict(img_shape=(32, 64)))
    data = model.data_preprocessor(data, False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    # inside the valid image the map is flat: the whole (valid) image
    assert out[0].pred_parts.bboxes.tolist() == [[0., 0., 64., 32.]]


def test_cam_class_gt_uses_the_true_age(monkeypatch):
    model = _build(cam_class='gt').eval()
    calls = []
    monkeypatch.setattr(model.head, 'cam', _block_cam(calls))
    data = model.data_preprocessor(_batch(ages=(100.6, 300., 12.2)), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
        probs = model.head(model.extract_feat(data['inputs'])).softmax(1)
    assert calls[0].tolist() == [101, 239, 12]
    assert out[1].pred_parts.scores[0].item() == pytest.approx(
        probs[1, 239].item(), rel=1e-5)
    # without samples there is no true age: the predicted class
    calls.clear()
    with torch.no_grad():
        model.predict(data['inputs'])
    assert torch.equal(calls[0], probs.argmax(1))


def test_predict_without_samples():
    model = _build().eval()
    with torch.no_grad():
        out = model.predict(torch.rand(2, 1, 64, 64))
    assert len(out) == 2
    for s in out:
        torch.testing.assert_close(s.pred_parts.hr_bboxes,
                                   s.pred_parts.bboxes)
        assert torch.isfinite(s.pred_age)


def test_pred_maps_only_when_asked():
    model = _build(region='H', head=dict(type='SoftLabelCAMHead',
                                         in_channels=512, pool='avg')).eval()
    data = model.data_preprocessor(_batch(), False)
    with torch.no_grad():
        assert all('pred_maps' not in s
                   for s in model(**data, mode='predict'))
        model.set_return_maps(True)
        out = model(**data, mode='predict')
        feats = model.extract_feat(data['inputs'])
        classes = model.head(feats).argmax(1)
    for i, s in enumerate(out):
        assert list(s.pred_maps) == ['cam_H']
        assert s.pred_maps['cam_H'].shape == (2, 2)  # 64 px / 32
        torch.testing.assert_close(
            s.pred_maps['cam_H'], model.head.cam(feats, classes)[i])
        assert s.pred_parts.names == ['H']


@pytest.mark.parametrize('kw,match', [
    (dict(cam_class='mean'), "cam_class must be 'pred' or 'gt'"),
    (dict(rel_thr=1.), r'rel_thr must be in \[0, 1\)'),
    (dict(rel_thr=-0.2), r'rel_thr must be in \[0, 1\)'),
])
def test_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        _build(**kw)


def test_head_without_a_cam_is_refused():
    with pytest.raises(TypeError, match='CAMLocalizer needs its head'):
        _build(head=dict(type='ConvPoolNeck', in_channels=512))


def test_excluded_region_is_kept_out_of_the_box(monkeypatch):
    """R2 excludes R1: a map peaking on R1 (the erased patch) gives the
    box of its strongest other block, mapped through hr_factor."""
    model = _build(region='R2', exclude=('R1', )).eval()

    def cam(feats, classes):
        maps = torch.zeros(len(classes), 8, 8)
        maps[:, 2:4, 4:6] = 2.  # on R1
        maps[:, 5:7, 0:2] = 1.
        return maps

    monkeypatch.setattr(model.head, 'cam', cam)
    batch = _batch(hr_factor=(2., 2.))
    for s in batch['data_samples']:  # R1 in full-resolution pixels
        s.set_metainfo(dict(regions=dict(R1=[64., 32., 96., 64.])))
    with torch.no_grad():
        out = model(**model.data_preprocessor(batch, False), mode='predict')
    for s in out:
        assert s.pred_parts.bboxes.tolist() == [[0., 40., 16., 56.]]
        assert s.pred_parts.hr_bboxes.tolist() == [[0., 80., 32., 112.]]
        assert s.pred_parts.names == ['R2']
    # without the R1 box the sample is refused, naming the image
    batch = _batch()
    with pytest.raises(KeyError, match="R2 excludes region 'R1'"):
        with torch.no_grad():
            model(**model.data_preprocessor(batch, False), mode='predict')
