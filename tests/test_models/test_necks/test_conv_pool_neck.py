"""ConvPoolNeck: conv -> (norm) -> ReLU -> global max / average pooling."""
import pytest
import torch

from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules

register_all_modules()

# (1, 2, 2, 2)
FEATS = torch.tensor([[[[1., -2.], [3., 0.]], [[0., 1.], [-4., 2.]]]])


def _neck(pool, **kw):
    """A 1x1 conv without norm whose output channel 0 copies input channel
    0 and channel 1 is ``channel 0 - channel 1``; bias 0."""
    neck = MODELS.build(dict(type='ConvPoolNeck', in_channels=2,
                             out_channels=2, kernel_size=1, pool=pool,
                             norm_cfg=None, **kw))
    with torch.no_grad():
        neck.conv.conv.weight.copy_(
            torch.tensor([[1., 0.], [1., -1.]])[:, :, None, None])
        neck.conv.conv.bias.zero_()
    return neck


@pytest.mark.parametrize('pool,expected', [
    # after ReLU: channel 0 [[1, 0], [3, 0]], channel 1 [[1, 0], [7, 0]]
    ('max', [[3., 7.]]),
    ('avg', [[1., 2.]]),
])
def test_max_vs_avg_pooling_by_hand(pool, expected):
    neck = _neck(pool)
    out = neck(FEATS)
    assert isinstance(out, tuple) and len(out) == 1
    torch.testing.assert_close(out[0], torch.tensor(expected))
    # a tuple of maps: the last one is used
    torch.testing.assert_close(neck((torch.zeros(1, 7, 3, 3), FEATS))[0],
                               torch.tensor(expected))


@pytest.mark.parametrize('pool', ['max', 'avg'])
def test_shapes_with_the_default_norm(pool):
    neck = MODELS.build(dict(type='ConvPoolNeck', in_channels=8,
                             out_channels=5, pool=pool))
    neck.init_weights()
    out = neck([torch.randn(3, 4, 9, 9), torch.randn(3, 8, 5, 7)])
    assert len(out) == 1 and out[0].shape == (3, 5)
    assert (out[0] >= 0).all()  # after ReLU
    assert isinstance(neck.conv.bn, torch.nn.BatchNorm2d)
    assert neck.conv.conv.kernel_size == (3, 3)
    assert neck.conv.conv.padding == (1, 1)


def test_max_is_at_least_avg():
    torch.manual_seed(0)
    x = torch.randn(2, 4, 6, 6)
    mx = MODELS.build(dict(type='ConvPoolNeck', in_channels=4,
                           out_channels=3, pool='max', norm_cfg=None))
    av = MODELS.build(dict(type='ConvPoolNeck', in_channels=4,
                           out_channels=3, pool='avg', norm_cfg=None))
    av.load_state_dict(mx.state_dict())
    assert (mx(x)[0] >= av(x)[0]).all()
    assert (mx(x)[0] > av(x)[0]).any()


def test_bad_pool():
    with pytest.raises(ValueError, match="pool must be 'max' or 'avg'"):
        MODELS.build(dict(type='ConvPoolNeck', in_channels=2, pool='sum'))
