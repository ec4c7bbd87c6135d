"""regression_grad_cam: maps of the predicted age, target layers, no
state left behind."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules
from baa_mm.visualization import (AgeOutputModel, AgeOutputTarget,
                                  default_target_layers, regression_grad_cam)

SIZE = 64


def _regressor(channels_last=False):
    """A small ResNet-18 (16 base channels) regressor with a sex input."""
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='BoneAgeRegressor',
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=18,
                      in_channels=1, stem_channels=16, base_channels=16,
                      out_indices=(3, )),
        neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
        head=dict(type='BoneAgeRegressionHead', in_channels=128,
                  sex_embed_dims=4, hidden_dims=(16, ), age_mean=100.,
                  age_std=40.),
        channels_last=channels_last))
    return model.eval()


class TwoBackbones(nn.Module):
    """An early-fusion-like estimator: ``backbones`` (no ``backbone``)."""

    def __init__(self):
        super().__init__()
        self.backbones = nn.ModuleList([
            nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU()),
            nn.Sequential(nn.Conv2d(1, 4, 5, 2, 2), nn.ReLU())])
        self.fc = nn.Linear(8, 1)

    def forward(self, inputs, data_samples=None, sex=None, mode='tensor'):
        feats = [b(inputs).mean(dim=(2, 3)) for b in self.backbones]
        return self.fc(torch.cat(feats, dim=1))[:, 0]


def _images(n=2, seed=0):
    """Noise plus a bright square at a different place in each image."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, SIZE, SIZE, generator=g) * 0.3
    for i in range(n):
        y0, x0 = (torch.randint(0, SIZE - 24, (2, ), generator=g)).tolist()
        x[i, :, y0:y0 + 24, x0:x0 + 24] += 2.
    return x


def _hooks(model):
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) +
               len(m._backward_hooks) for m in model.modules())


def test_maps_have_the_image_size_and_follow_the_input():
    model = _regressor()
    x = _images()
    maps = regression_grad_cam(model, x, sex=[0, 1])
    assert maps.shape == (2, SIZE, SIZE) and maps.dtype == np.float32
    assert maps.min() >= 0 and maps.max() <= 1 and maps.max() > 0.99
    # two different images give different maps
    assert np.abs(maps[0] - maps[1]).mean() > 1e-3
    other = regression_grad_cam(model, _images(seed=1), sex=[0, 1])
    assert np.abs(other[0] - maps[0]).mean() > 1e-3
    # the same input again: the same maps
    np.testing.assert_allclose(regression_grad_cam(model, x, sex=[0, 1]),
                               maps, atol=1e-5)


def test_no_hooks_flags_grads_or_modes_left_behind():
    model = _regressor().train()
    model.backbone.bn1.eval()  # a frozen-BN style mix of modes
    model.backbone.conv1.weight.requires_grad_(False)
    grad = torch.ones_like(model.head.mlp[0].weight)
    model.head.mlp[0].weight.grad = grad
    flags = [p.requires_grad for p in model.parameters()]
    modes = [m.training for m in model.modules()]
    assert _hooks(model) == 0
    regression_grad_cam(model, _images(), sex=1, method='gradcam++')
    assert _hooks(model) == 0
    assert [p.requires_grad for p in model.parameters()] == flags
    assert [m.training for m in model.modules()] == modes
    assert model.head.mlp[0].weight.grad is grad
    assert model.backbone.conv1.weight.grad is None
    # inside torch.no_grad (as inference code runs) it still works
    with torch.no_grad():
        maps = regression_grad_cam(model, _images(), sex=1)
    assert maps.max() > 0.99
    with torch.inference_mode():  # inputs and sex made in inference mode
        x, sex = _images(), torch.tensor([0, 1])
        maps = regression_grad_cam(model, x, sex=sex)
    assert maps.max() > 0.99


def test_default_and_dotted_target_layers():
    model = _regressor()
    x = _images()
    assert default_target_layers(model, x, torch.tensor([1, 0])) == \
        ['backbone.layer4']
    # a forward pass works as the probe too
    probe = AgeOutputModel(model, torch.ones(1, dtype=torch.long))
    assert default_target_layers(model, lambda: probe(x[:1])) == \
        ['backbone.layer4']
    by_name = regression_grad_cam(model, x, 1,
                                  target_layers=['backbone.layer4'])
    np.testing.assert_allclose(by_name, regression_grad_cam(model, x, 1),
                               atol=1e-5)
    layer3 = regression_grad_cam(model, x, 1, target_layers='backbone.layer3')
    assert layer3.shape == (2, SIZE, SIZE)
    assert np.abs(layer3 - by_name).mean() > 1e-3
    # a leading 'model.', a module object and several layers
    for spec in ('model.backbone.layer3', model.backbone.layer3):
        np.testing.assert_allclose(
            regression_grad_cam(model, x, 1, target_layers=spec), layer3,
            atol=1e-5)
    two = regression_grad_cam(
        model, x, 1, target_layers=['backbone.layer3', 'backbone.layer4'])
    assert two.shape == (2, SIZE, SIZE)


def test_bad_layer_method_and_sex_are_clear_errors():
    model = _regressor()
    x = _images()
    with pytest.raises(ValueError, match=r"'backbone\.layer9' is not a "
                       r'module of BoneAgeRegressor; close names: '
                       r'backbone\.layer'):
        regression_grad_cam(model, x, 1, target_layers=['backbone.layer9'])
    with pytest.raises(ValueError, match="'neck' does not output one 4-D"):
        regression_grad_cam(model, x, 1, target_layers=['neck'])
    with pytest.raises(ValueError, match="unknown CAM method 'nope'"):
        regression_grad_cam(model, x, 1, method='nope')
    with pytest.raises(ValueError, match='3 sex values for 2 images'):
        regression_grad_cam(model, x, [0, 1, 1])
    assert _hooks(model) == 0


def test_methods_sign_and_aug_smooth():
    model = _regressor()
    x = _images()
    assert float(AgeOutputTarget(-1)(torch.tensor([3.]))) == -3.
    older = regression_grad_cam(model, x, 1)
    younger = regression_grad_cam(model, x, 1, sign=-1)
    assert np.abs(older - younger).mean() > 1e-3
    for method in ('gradcam++', 'xgradcam', 'eigencam'):
        maps = regression_grad_cam(model, x, 1, method=method)
        assert maps.shape == (2, SIZE, SIZE)
        assert 0 <= maps.min() and maps.max() <= 1
    smooth = regression_grad_cam(model, x, 1, aug_smooth=True)
    assert smooth.shape == (2, SIZE, SIZE) and smooth.max() > 0.99


def test_bf16_channels_last_model_runs_in_float32():
    model = _regressor(channels_last=True).to(torch.bfloat16)
    x = _images().to(torch.bfloat16).contiguous(
        memory_format=torch.channels_last)
    maps = regression_grad_cam(model, x, 1)
    assert maps.dtype == np.float32 and maps.shape == (2, SIZE, SIZE)
    assert next(model.parameters()).dtype == torch.bfloat16  # untouched
    assert _hooks(model) == 0


def test_any_estimator_with_several_backbones():
    torch.manual_seed(0)
    model = TwoBackbones().eval()
    x = _images()
    assert default_target_layers(model, x) == ['backbones.0', 'backbones.1']
    maps = regression_grad_cam(model, x)
    assert maps.shape == (2, SIZE, SIZE)
    one = regression_grad_cam(model, x, target_layers=['backbones.1.0'])
    assert one.shape == (2, SIZE, SIZE)
    assert _hooks(model) == 0
