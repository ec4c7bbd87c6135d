"""ResidualAttentionNet: shapes, the (1 + M) residual form, mask range."""
import pytest
import torch

from baa_mm.models.backbones import AttentionModule, ResidualAttentionNet


def test_attention_module_residual_form_and_mask_range():
    torch.manual_seed(0)
    mod = AttentionModule(16, mask_depth=2).eval()
    x = torch.randn(2, 16, 20, 24)
    out, mask = mod(x)
    assert out.shape == x.shape and mask.shape == x.shape
    assert ((mask >= 0) & (mask <= 1)).all()
    pre = mod.pre(x)
    expected = mod.post(mod.trunk(pre) * (1 + mod.mask(pre)))
    torch.testing.assert_close(out, expected)
    # with a zero mask the module is its trunk (identity residual), never
    # zeroed out, unlike plain multiplicative attention
    with torch.no_grad():
        mod.mask_out[-2].weight.zero_()
        mod.mask_out[-2].bias.fill_(-1e4)
    out0, mask0 = mod(x)
    assert mask0.abs().max() < 1e-6
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
