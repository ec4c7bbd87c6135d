"""RelationResNet and PartRelationModule (PRSNet's part relation module)."""
import pytest
import torch
from mmpretrain.models.backbones import ResNet

from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules

register_all_modules()


def _net(**kw):
    cfg = dict(type='RelationResNet', depth=18, in_channels=1,
               out_indices=(1, 2, 3))
    cfg.update(kw)
    net = MODELS.build(cfg)
    net.init_weights()
    return net.eval()


def _plain(**kw):
    cfg = dict(depth=18, in_channels=1, out_indices=(1, 2, 3))
    cfg.update(kw)
    net = ResNet(**cfg)
    net.eval()  # mmpretrain's ResNet.train returns None
    return net


def _relation_state(net, index):
    """The state dict of the relation module after stage ``index`` (its
    checkpoint keys are ``relations.<index>.*``)."""
    prefix = f'relations.{index}.'
    return {k[len(prefix):]: v for k, v in net.state_dict().items()
            if k.startswith(prefix)}


def test_output_shapes_per_level():
    net = _net(out_indices=(0, 1, 2, 3))
    feats = net(torch.rand(2, 1, 64, 96))
    # stage i: stride 2^(i+2), ResNet-18 channels 64 * 2^i
    assert [tuple(f.shape) for f in feats] == [
        (2, 64, 16, 24), (2, 128, 8, 12), (2, 256, 4, 6), (2, 512, 2, 3)]
    assert net.out_channels == [64, 128, 256, 512]
    assert net.stage_channels == [64, 128, 256, 512]
    assert _net(out_indices=(3, )).out_channels == [512]
    assert _net(depth=50, out_indices=(1, 3)).out_channels == [512, 2048]


def test_relation_maps_returned():
    net = _net()
    x = torch.rand(2, 1, 64, 96)
    feats, maps = net(x, return_maps=True)
    # one channel-mean map sigma(R) per relation module, at its level
    assert net.map_names == ['relation_res3', 'relation_res4',
                             'relation_res5']
    assert list(maps) == net.map_names
    assert [tuple(m.shape) for m in maps.values()] == [(2, 8, 12), (2, 4, 6),
                                                       (2, 2, 3)]
    assert all(((m >= 0) & (m <= 1)).all() for m in maps.values())
    assert not any(m.requires_grad for m in maps.values())
    # the features are the same with or without the maps
    for a, b in zip(feats, net(x)):
        torch.testing.assert_close(a, b)
    assert _net(relation_indices=(0, )).map_names == ['relation_res2']


def test_without_relation_equals_plain_resnet_with_same_weights():
    net = _net(relation_indices=())
    assert not net.with_relation
    assert not any(k.startswith('relations.') for k in net.state_dict())
    plain = _plain()
    plain.load_state_dict(net.state_dict(), strict=True)
    x = torch.rand(2, 1, 64, 64)
    ours = net(x)
    ref = plain(x)
    assert len(ours) == len(ref) == 3
    for a, b in zip(ours, ref):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    feats, maps = net(x, return_maps=True)
    assert maps == {} and net.map_names == []


def test_relation_module_replaces_x():
    # a relation module after the last stage only: the earlier levels are
    # the plain ResNet's, the last is F = T(X) * sigma(R(X)) + D(X) of the
    # plain ResNet's X
    net = _net(relation_indices=(3, ), out_indices=(2, 3))
    plain = _plain(out_indices=(2, 3))
    missing = plain.load_state_dict(net.state_dict(), strict=False)
    assert not missing.missing_keys
    assert all(k.startswith('relations.3.')
               for k in missing.unexpected_keys)
    module = MODELS.build(dict(type='PartRelationModule', channels=512))
    module.load_state_dict(_relation_state(net, 3), strict=True)
    module.eval()
    with torch.no_grad():
        # make the relation module far from the identity
        for p in module.parameters():
            p.add_(torch.randn_like(p) * 0.5)
        net.load_state_dict(
            {**net.state_dict(),
             **{f'relations.3.{k}': v
                for k, v in module.state_dict().items()}})
    x = torch.rand(2, 1, 64, 64)
    x3_plain, x4_plain = plain(x)
    f3, f4 = net(x)
    torch.testing.assert_close(f3, x3_plain)
    expected, relation = module(x4_plain)
    torch.testing.assert_close(f4, expected)
    assert not torch.allclose(f4, x4_plain)
    # its map is sigma(R(X)) averaged over the channels
    _, maps = net(x, return_maps=True)
    assert list(maps) == ['relation_res5']
    torch.testing.assert_close(maps['relation_res5'], relation.mean(dim=1))


def test_relation_feeds_the_next_stage():
    # F_i (not X_i) goes into stage i + 1: changing the relation module of
    # res3 changes res4 and res5
    net = _net()
    x = torch.rand(1, 1, 64, 64)
    before = net(x)
    state = net.state_dict()
    state['relations.1.residual.conv.weight'] += 0.5
    net.load_state_dict(state)
    after = net(x)
    for a, b in zip(before, after):
        assert not torch.allclose(a, b)


def test_relation_module_formula():
    mod = MODELS.build(
        dict(type='PartRelationModule', channels=4, norm_cfg=None)).eval()
    x = torch.randn(1, 4, 3, 3)
    f, rel = mod(x)
    assert f.shape == rel.shape == x.shape

    def conv(name):
        w = mod.state_dict()[f'{name}.conv.weight']
        b = mod.state_dict()[f'{name}.conv.bias']
        return torch.nn.functional.conv2d(x, w, b)

    torch.testing.assert_close(rel, torch.sigmoid(conv('relation')))
    torch.testing.assert_close(
        f, conv('trunk') * torch.sigmoid(conv('relation')) + conv('residual'))


def test_invalid_relation_index():
    with pytest.raises(ValueError, match='relation index 4 outside the 4 '
                       'stages'):
        _net(relation_indices=(1, 4))
