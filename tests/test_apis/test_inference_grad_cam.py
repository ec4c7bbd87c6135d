"""inference_bone_age(..., grad_cam=...): a Grad-CAM map per image."""
import os.path as osp

import numpy as np
import pytest
import torch

from baa_mm.apis import inference_bone_age, init_estimator
from conftest import REPO

SMOKE = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')


@pytest.fixture(scope='module')
def model():
    """The smoke config with seeded PyTorch default weights: with the
    config's own init (zero-init residual branches, a 0.01-std head) the
    Grad-CAM maps of both images can be all zero, depending on the RNG
    state the test happens to start from."""
    torch.manual_seed(0)
    model = init_estimator(SMOKE)
    for module in model.modules():
        if module is not model and hasattr(module, 'reset_parameters'):
            module.reset_parameters()
    return model.eval()


def _arrays():
    rng = np.random.default_rng(0)
    a = (rng.random((80, 100)) * 255).astype(np.uint8)
    b = a.copy()
    b[10:40, 20:60] = 255
    return [a, b]


def test_grad_cam_flag_stores_a_map_in_the_input_frame(model):
    imgs = _arrays()
    plain = inference_bone_age(model, imgs, sex=[1, 0])
    assert all('grad_cam' not in s.get('pred_maps', {}) for s in plain)
    out = inference_bone_age(model, imgs, sex=[1, 0], grad_cam=True)
    for sample, ref in zip(out, plain):
        cam = sample.pred_maps['grad_cam']
        assert isinstance(cam, torch.Tensor) and cam.dtype == torch.float32
        # the 64 x 64 network input (img_shape), not the 80 x 100 image
        assert tuple(cam.shape) == tuple(sample.img_shape[:2]) == (64, 64)
        assert 0 <= float(cam.min()) and float(cam.max()) <= 1
        torch.testing.assert_close(sample.pred_age, ref.pred_age)
    assert not torch.equal(out[0].pred_maps['grad_cam'],
                           out[1].pred_maps['grad_cam'])
    assert model.return_maps is False
    assert all(p.requires_grad for p in model.parameters())


def test_grad_cam_options(model):
    one = inference_bone_age(
        model, _arrays()[0], sex='F',
        grad_cam=dict(method='eigencam', target_layers=['backbone.layer3']))
    assert tuple(one.pred_maps['grad_cam'].shape) == (64, 64)
    with pytest.raises(ValueError, match="'backbone.nope' is not a module"):
        inference_bone_age(model, _arrays()[0], sex='F',
                           grad_cam=dict(target_layers=['backbone.nope']))
