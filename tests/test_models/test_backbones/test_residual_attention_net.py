"""ResidualAttentionNet: shapes, the (1 + M) residual form, mask range."""
import pytest
import torch

from baa_mm.models.backbones import AttentionModule, ResidualAttentionNet


def test_attention_module_residual_form_and_mask_range():
    torch.manual_seed(0)
    mod = AttentionModule(16, mask_depth=2).eval()
    x = torch.randn(2, 16, 20, 24)
    out, logits = mod(x)
    assert out.shape == x.shape and logits.shape == x.shape
    mask = mod.mask(mod.pre(x))
    assert ((mask >= 0) & (mask <= 1)).all()
    torch.testing.assert_close(mask, torch.sigmoid(logits))
    pre = mod.pre(x)
    expected = mod.post(mod.trunk(pre) * (1 + mod.mask(pre)))
    torch.testing.assert_close(out, expected)
    # with a zero mask the module is its trunk (identity residual), never
    # zeroed out, unlike plain multiplicative attention
    with torch.no_grad():
        mod.mask_out[-1].weight.zero_()
        mod.mask_out[-1].bias.fill_(-1e4)
    out0, logits0 = mod(x)
    assert torch.sigmoid(logits0).abs().max() < 1e-6
    torch.testing.assert_close(out0, mod.post(mod.trunk(pre)))


@pytest.mark.parametrize('depth', [1, 3])
def test_attention_module_odd_sizes(depth):
    mod = AttentionModule(8, mask_depth=depth)
    out, mask = mod(torch.randn(1, 8, 15, 9))
    assert out.shape == (1, 8, 15, 9) and mask.shape == (1, 8, 15, 9)


def test_backbone_shapes_masks_and_names():
    net = ResidualAttentionNet(base_channels=8, out_indices=(0, 1, 2, 3))
    net.init_weights()
    x = torch.rand(2, 1, 64, 64)
    outs, masks = net(x, return_maps=True)
    assert [tuple(o.shape) for o in outs] == [(2, 32, 16, 16),
                                               (2, 64, 8, 8),
                                               (2, 128, 4, 4),
                                               (2, 256, 2, 2)]
    assert net.module_names == ['Att1_1', 'Att2_1', 'Att2_2', 'Att3_1',
                                'Att3_2', 'Att3_3']
    # one channel-mean soft mask per attention module, named as the modules
    assert net.map_names == net.module_names
    assert list(masks) == net.module_names
    assert [tuple(m.shape) for m in masks.values()] == [(2, 16, 16)] + \
        [(2, 8, 8)] * 2 + [(2, 4, 4)] * 3
    assert all(((m >= 0) & (m <= 1)).all() for m in masks.values())
    assert net.feat_dim == 256
    # the features do not depend on asking for the maps
    for a, b in zip(outs, net(x)):
        torch.testing.assert_close(a, b)


def test_stage_modules_configure_the_ablation():
    full = ResidualAttentionNet(base_channels=8)
    ablated = ResidualAttentionNet(base_channels=8, stage_modules=(1, 2, 1))
    assert ablated.module_names[-1] == 'Att3_1'
    assert sum(p.numel() for p in ablated.parameters()) < \
        sum(p.numel() for p in full.parameters())
    with pytest.raises(ValueError, match='3 entries'):
        ResidualAttentionNet(stage_modules=(1, 1))


def test_mask_free_modules_keep_their_trunk_and_drop_attention():
    """The other reading of "without Att3_2 and Att3_3": same depth, the
    two modules' soft mask branches removed (x' = T(x))."""
    full = ResidualAttentionNet(base_channels=8)
    free = ResidualAttentionNet(base_channels=8,
                                mask_free=('Att3_2', 'Att3_3'))
    assert free.module_names == full.module_names  # same depth
    assert free.map_names == ['Att1_1', 'Att2_1', 'Att2_2', 'Att3_1']
    mods = list(free.stages[2])
    assert [m.with_mask for m in mods] == [True, False, False]
    assert not hasattr(mods[1], 'mask_out')
    # exactly the two mask branches fewer parameters
    branch = sum(p.numel() for n, p in full.stages[2][1].named_parameters()
                 if not n.startswith(('pre.', 'trunk.', 'post.')))
    assert sum(p.numel() for p in full.parameters()) - \
        sum(p.numel() for p in free.parameters()) == 2 * branch
    free.init_weights()
    free.eval()
    x = torch.rand(2, 1, 64, 64)
    outs, maps = free(x, return_maps=True)
    assert list(maps) == free.map_names
    # a mask-free module is its trunk
    mod = mods[1]
    y = torch.randn(1, 128, 4, 4)
    out, logits = mod(y)
    assert logits is None
    torch.testing.assert_close(out, mod.post(mod.trunk(mod.pre(y))))
    with pytest.raises(RuntimeError, match='no mask branch'):
        mod.mask(y)
    with pytest.raises(ValueError, match=r"mask_free names \['Att3_3'\]"):
        ResidualAttentionNet(base_channels=8, stage_modules=(1, 2, 1),
                             mask_free=('Att3_3', ))


def test_map_stage_gives_logits_or_sigmoid():
    torch.manual_seed(0)
    kw = dict(base_channels=8, stage_modules=(1, 1, 1))
    sig = ResidualAttentionNet(**kw).eval()
    logit = ResidualAttentionNet(**kw, map_stage='logit').eval()
    logit.load_state_dict(sig.state_dict())  # same keys either way
    x = torch.rand(1, 1, 64, 64)
    _, a = sig(x, return_maps=True)
    _, b = logit(x, return_maps=True)
    mod = sig.stages[0][0]
    pre = mod.pre(sig.entries[0](sig.stem(x)))
    torch.testing.assert_close(a['Att1_1'],
                               mod.mask(pre).mean(dim=1))
    torch.testing.assert_close(b['Att1_1'],
                               mod.mask_logits(pre).mean(dim=1))
    assert not torch.allclose(a['Att3_1'], b['Att3_1'])
    with pytest.raises(ValueError, match='map_stage must be one of'):
        ResidualAttentionNet(map_stage='softmax')
