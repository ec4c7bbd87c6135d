"""BoneAgeTTAModel: the mean age of the views, built from a flip
TestTimeAug pipeline as tools/test.py --tta builds it."""
import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate

from baa_mm.registry import MODELS, TRANSFORMS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()

FLIP_TTA = dict(
    type='TestTimeAug',
    transforms=[
        [dict(type='RandomFlip', prob=0.),
         dict(type='RandomFlip', prob=1., direction='horizontal')],
        [dict(type='PackBoneAgeInputs')],
    ])


def _model():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='BoneAgeRegressor',
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, out_indices=(3, )),
        neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
        head=dict(type='BoneAgeRegressionHead', in_channels=512,
                  sex_embed_dims=4, hidden_dims=(8, ), age_mean=100.,
                  age_std=40.,
                  init_cfg=dict(type='Normal', layer='Linear', std=1.))))
    model.init_weights()
    return model.eval()


def _results(i, img):
    return dict(img=img, img_id=str(i), img_shape=img.shape,
                gt_age=50. + 40 * i, sex=i % 2)


def _images():
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (32, 32), dtype=np.uint8) for _ in range(2)]


def _single_view_ages(model, images):
    pack = TRANSFORMS.build(dict(type='PackBoneAgeInputs'))
    batch = pseudo_collate([pack(_results(i, img))
                            for i, img in enumerate(images)])
    with torch.no_grad():
        return torch.stack([s.pred_age for s in model.test_step(batch)])


def test_flip_tta_is_the_mean_of_the_two_views():
    model = _model()
    tta = MODELS.build(dict(type='BoneAgeTTAModel', module=model))
    assert tta.module is model
    images = _images()
    tta_batch = pseudo_collate([TRANSFORMS.build(FLIP_TTA)(_results(i, img))
                                for i, img in enumerate(images)])
    # view-major, as BaseTTAModel expects: 2 views x 2 images
    assert len(tta_batch['inputs']) == 2 and len(tta_batch['inputs'][0]) == 2
    with torch.no_grad():
        merged = tta.test_step(tta_batch)

    plain = _single_view_ages(model, images)
    flipped = _single_view_ages(model, [img[:, ::-1].copy()
                                        for img in images])
    assert not torch.allclose(plain, flipped)  # the views do differ
    assert [s.img_id for s in merged] == ['0', '1']
    assert [s.flip for s in merged] == [False, False]  # the first view's
    ages = torch.stack([s.pred_age for s in merged])
    torch.testing.assert_close(ages, (plain + flipped) / 2)
    torch.testing.assert_close(merged[1].tta_ages,
                               torch.stack([plain[1], flipped[1]]))
    assert merged[1].gt_age.item() == 90.


def test_view_weights_and_missing_ages():
    tta = MODELS.build(dict(type='BoneAgeTTAModel', module=_model(),
                            weights=[3., 1.]))
    views = [[BoneAgeDataSample().set_pred_age(10.),
              BoneAgeDataSample().set_pred_age(30.)]]
    assert tta.merge_preds(views)[0].pred_age.item() == pytest.approx(15.)
    with pytest.raises(ValueError, match=r'views \[1\] of image 0'):
        tta.merge_preds([[BoneAgeDataSample().set_pred_age(1.),
                          BoneAgeDataSample()]])
