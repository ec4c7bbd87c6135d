"""HierarchicalFCNeck on a real mmpretrain VGG-16-BN: connection shapes at
224 and 299 (flattened and pooled), Eq. 1 parameter counts, gradients
through the side connections, shape errors, and the model base config."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from baa_mm.models.necks import HierarchicalFCNeck
from baa_mm.models.utils import feature_map_sizes, side_connection_params
from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules
from conftest import REPO

register_all_modules()

VGG16_BN = dict(_scope_='mmpretrain', type='VGG', depth=16,
                norm_cfg=dict(type='BN'), out_indices=(2, 3, 4))


def _neck(size, global_pool=False, main='flatten', **kw):
    cfg = dict(type='HierarchicalFCNeck', in_channels=(256, 512, 512),
               global_pool=global_pool, main=main, input_size=size,
               strides=(8, 16, 32))
    cfg.update(kw)
    return MODELS.build(cfg)


@pytest.fixture(scope='module')
def vgg16_maps():
    """Pooled block 3, 4, 5 maps of one random image at 224 and 299 (one
    VGG-16-BN forward each, batch 1)."""
    torch.manual_seed(0)
    backbone = MODELS.build(VGG16_BN)
    backbone.eval()
    with torch.no_grad():
        return {s: backbone(torch.rand(1, 3, s, s)) for s in (224, 299)}


@pytest.mark.parametrize('size,maps', [
    # out_indices 2, 3, 4 = blocks 3, 4, 5 after their max pooling
    (224, [(256, 28, 28), (512, 14, 14), (512, 7, 7)]),
    (299, [(256, 37, 37), (512, 18, 18), (512, 9, 9)]),
])
def test_vgg16_bn_pooled_block_shapes(vgg16_maps, size, maps):
    assert [tuple(f.shape[1:]) for f in vgg16_maps[size]] == maps
    assert feature_map_sizes(size, (8, 16, 32)) == [m[1:] for m in maps]


@pytest.mark.parametrize('size', [224, 299])
@pytest.mark.parametrize('global_pool', [False, True])
def test_connection_shapes(vgg16_maps, size, global_pool):
    neck = _neck(size, global_pool)
    neck.eval()
    feats = vgg16_maps[size]
    with torch.no_grad():
        side_outs = [side(feats[i]) for i, side in
                     zip(neck.side_indices, neck.sides)]
        out, = neck(feats)
    assert [tuple(s.shape) for s in side_outs] == [(1, 256), (1, 256)]
    last = 7 if size == 224 else 9
    assert neck.out_channels == 512 + 512 * last * last
    assert out.shape == (1, neck.out_channels)
    # side outputs first, then the flattened block-5 map
    assert torch.equal(out[:, :256], side_outs[0])
    assert torch.equal(out[:, 512:], feats[2].flatten(1))


def test_gap_main_path(vgg16_maps):
    neck = _neck(None, global_pool=True, main='gap', strides=None)
    feats = vgg16_maps[299]
    out, = neck.eval()(feats)
    assert neck.out_channels == 1024 and out.shape == (1, 1024)
    assert torch.allclose(out[:, 512:], feats[2].mean(dim=(2, 3)))


@pytest.mark.parametrize('size,global_pool,expected', [
    (224, False, [51_380_480, 25_690_368]),  # the paper's Eq. 1 figures
    (224, True, [256 * 256 + 256, 512 * 256 + 256]),
    (299, False, [256 * 37 * 37 * 256 + 256, 512 * 18 * 18 * 256 + 256]),
    (299, True, [256 * 256 + 256, 512 * 256 + 256]),
])
def test_connection_param_counts(size, global_pool, expected):
    with torch.device('meta'):  # counts only: no memory, no init
        neck = _neck(size, global_pool)
    counts = neck.connection_param_counts()
    assert counts == {'side_0': expected[0], 'side_1': expected[1]}
    hw = [(1, 1)] * 2 if global_pool else feature_map_sizes(size, (8, 16))
    assert [side_connection_params(c, h, w, 256) for c, (h, w) in
            zip((256, 512), hw)] == expected
    assert sum(p.numel() for p in neck.parameters()) == sum(expected)


def test_gradients_reach_blocks_3_and_4_through_the_side_connections():
    """Backpropagating one side output only: block 3 (and block 4 for the
    second connection) get gradients while the main path's block 5 and the
    blocks after the tapped one get none, so the gradient came through the
    connection. VGG-11-BN (same block layout) at 32 px keeps it quick."""
    torch.manual_seed(0)
    backbone = MODELS.build(dict(VGG16_BN, depth=11))
    neck = _neck(32, side_dropout=0.)
    feats = backbone(torch.rand(2, 3, 32, 32))
    out, = neck(feats)
    stages = backbone.range_sub_modules  # [start, end) per block

    def conv_grads():
        grads = []
        for start, end in stages:
            g = 0.
            for m in backbone.features[start:end].modules():
                if isinstance(m, torch.nn.Conv2d) and m.weight.grad is not \
                        None:
                    g += m.weight.grad.abs().sum().item()
            grads.append(g)
        return grads

    for k, (sl, reached) in enumerate([
            (slice(0, 256), 3),            # side 0: blocks 1-3
            (slice(256, 512), 4),          # side 1: blocks 1-4
            (slice(512, None), 5)]):       # main path: every block
        backbone.zero_grad(set_to_none=True)
        neck.zero_grad(set_to_none=True)
        out[:, sl].sum().backward(retain_graph=k < 2)
        grads = conv_grads()
        assert all(g > 0 for g in grads[:reached]), (k, grads)
        assert all(g == 0 for g in grads[reached:]), (k, grads)
        if k < 2:
            assert neck.sides[k][1].weight.grad.abs().sum() > 0


def test_shape_mismatch_names_expected_and_actual(vgg16_maps):
    neck = _neck(224)
    with pytest.raises(ValueError, match=r'input 0 \(side connection\) is '
                       r'\(256, 37, 37\).*\(256, 28, 28\) was expected'):
        neck(vgg16_maps[299])
    pooled = _neck(224, global_pool=True)
    with pytest.raises(ValueError, match=r'input 2 \(main path\) is '
                       r'\(512, 9, 9\).*\(512, 7, 7\)'):
        pooled(vgg16_maps[299])
    with pytest.raises(ValueError, match='expects 3 input maps'):
        neck(vgg16_maps[224][1:])
    with pytest.raises(ValueError, match='needs the map sizes'):
        HierarchicalFCNeck(in_channels=(256, 512, 512))
    with pytest.raises(ValueError, match='exclude the last input'):
        _neck(224, side_indices=(1, 2))


def test_resnet_maps_round_up():
    """Any multi-scale backbone: ResNet-18 stages 2-4 at 75 px (ceil)."""
    backbone = MODELS.build(dict(_scope_='mmpretrain', type='ResNet',
                                 depth=18, out_indices=(1, 2, 3)))
    neck = MODELS.build(dict(
        type='HierarchicalFCNeck', in_channels=(128, 256, 512),
        input_size=75, strides=(8, 16, 32), rounding='ceil', side_units=8))
    assert neck.map_sizes == [(10, 10), (5, 5), (3, 3)]
    out, = neck(backbone(torch.rand(1, 3, 75, 75)))
    assert out.shape == (1, 16 + 512 * 9)


def test_model_base_config_builds_and_runs():
    cfg = Config.fromfile(osp.join(
        REPO, 'configs', '_base_', 'models', 'hierarchical_vgg16_bn.py'))
    model = MODELS.build(cfg.model)
    assert model.neck.out_channels == model.head.in_channels == 25600
    assert model.neck.connection_param_counts() == {
        'side_0': 51_380_480, 'side_1': 25_690_368}
    assert not model.head.use_sex
    assert [type(m).__name__ for m in model.head.mlp].count('Dropout') == 3
    model.eval()
    with torch.no_grad():
        ages = model(torch.rand(1, 3, 224, 224), mode='tensor')
    assert ages.shape == (1, ) and torch.isfinite(ages).all()


def test_side_connections_run_in_fp32_under_cpu_bf16_autocast():
    """A bf16 Linear with ~50k inputs crashed on the CPU here: the side
    FCs see float32 inputs inside bf16 autocast; the main path keeps
    autocast's dtype."""
    neck = MODELS.build(dict(
        type='HierarchicalFCNeck', in_channels=(8, 16), input_size=32,
        strides=(8, 16)))
    seen = []
    linear = [m for m in neck.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linear) == 1
    linear[0].register_forward_hook(
        lambda m, args, out: seen.append((args[0].dtype, out.dtype)))
    feats = (torch.rand(2, 8, 4, 4, dtype=torch.bfloat16),
             torch.rand(2, 16, 2, 2, dtype=torch.bfloat16))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out, = neck(feats)
    assert seen == [(torch.float32, torch.float32)]
    assert out.shape == (2, neck.out_channels) and torch.isfinite(out).all()
    seen.clear()
    neck(tuple(f.float() for f in feats))  # no autocast: as before
    assert seen == [(torch.float32, torch.float32)]
