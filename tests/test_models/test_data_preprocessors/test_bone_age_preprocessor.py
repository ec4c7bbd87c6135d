"""BoneAgeDataPreprocessor: normalisation, channels, memory format, sex."""
import pytest
import torch

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.utils import register_all_modules

register_all_modules()

PIXELS = torch.tensor([[[0., 0.25], [0.5, 1.]]])  # (1, 2, 2) in [0, 1]


def _pre(**kw):
    return MODELS.build(dict(type='BoneAgeDataPreprocessor', **kw))


def _samples(*sexes, ids=None):
    out = []
    for i, sex in enumerate(sexes):
        s = BoneAgeDataSample(metainfo=dict(img_id=ids[i])) if ids \
            else BoneAgeDataSample()
        if sex is not None:
            s.set_sex(sex)
        out.append(s)
    return out


def test_default_normalisation_exact_values():
    out = _pre()(dict(inputs=[PIXELS, PIXELS.flip(-1)]))
    # (x - 0.5) / 0.25
    expected = torch.tensor([[[-2., -1.], [0., 2.]]])
    assert out['inputs'].shape == (2, 1, 2, 2)
    assert out['inputs'].dtype == torch.float32
    torch.testing.assert_close(out['inputs'][0], expected)
    torch.testing.assert_close(out['inputs'][1], expected.flip(-1))
    assert out['data_samples'] is None and out['sex'] is None


def test_custom_mean_std_per_channel():
    img = torch.stack([PIXELS[0], PIXELS[0], PIXELS[0]])  # (3, 2, 2)
    out = _pre(mean=(0.1, 0.2, 0.5), std=(0.5, 0.2, 0.25),
               num_channels=3)(dict(inputs=[img]))['inputs'][0]
    torch.testing.assert_close(out[0], (PIXELS[0] - 0.1) / 0.5)
    torch.testing.assert_close(out[1], (PIXELS[0] - 0.2) / 0.2)
    torch.testing.assert_close(out[2], (PIXELS[0] - 0.5) / 0.25)
    assert out[2, 1, 1].item() == pytest.approx(2.)


def test_uint8_like_values_are_cast_to_float():
    out = _pre(mean=(0., ), std=(1., ))(
        dict(inputs=[(PIXELS * 4).to(torch.uint8)]))['inputs']
    assert out.dtype == torch.float32
    torch.testing.assert_close(out[0], torch.tensor([[[0., 1.], [2., 4.]]]))


def test_gray_repeated_to_three_channels():
    out = _pre(num_channels=3)(dict(inputs=[PIXELS]))['inputs']
    assert out.shape == (1, 3, 2, 2)
    for c in range(3):  # the normalised gray channel in every channel
        torch.testing.assert_close(out[0, c], (PIXELS[0] - 0.5) / 0.25)


def test_gray_with_imagenet_statistics_is_normalised_per_channel():
    # a grayscale radiograph into an ImageNet backbone: repeated to 3
    # channels, then each channel normalised with its own mean and std
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    pre = _pre(mean=mean, std=std, num_channels=3)
    for inputs in ([PIXELS, PIXELS], torch.stack([PIXELS, PIXELS])):
        out = pre(dict(inputs=inputs))['inputs']
        assert out.shape == (2, 3, 2, 2)
        for c in range(3):
            torch.testing.assert_close(out[1, c],
                                       (PIXELS[0] - mean[c]) / std[c])
    # what normalize() gives for the same pixels
    torch.testing.assert_close(pre.normalize(PIXELS[None]), out[:1])


def test_more_channels_cannot_be_repeated():
    two = torch.stack([PIXELS[0], PIXELS[0]])
    with pytest.raises(ValueError, match='cannot turn 2-channel inputs into '
                       '3 channels'):
        _pre(num_channels=3)(dict(inputs=[two]))


@pytest.mark.parametrize('channels', [1, 2, 4])
def test_num_channels_none_keeps_the_packed_channels(channels):
    # e.g. regions stacked by StackRegions; one mean/std for all channels
    x = torch.stack([PIXELS[0] * (c + 1) / channels for c in range(channels)])
    out = _pre(num_channels=None)(dict(inputs=[x, x]))['inputs']
    assert out.shape == (2, channels, 2, 2)
    torch.testing.assert_close(out[1], (x - 0.5) / 0.25)
    # per-channel statistics apply channel by channel
    # (mmengine takes 1 or 3 values)
    x3 = torch.cat([x, x, x])[:3]
    out = _pre(num_channels=None, mean=(0., 0.5, 0.), std=(1., 0.5, 2.))(
        dict(inputs=[x3]))['inputs']
    torch.testing.assert_close(out[0, 0], x3[0])
    torch.testing.assert_close(out[0, 1], (x3[1] - 0.5) / 0.5)
    torch.testing.assert_close(out[0, 2], x3[2] / 2)


def test_channels_last_keeps_values():
    batch = dict(inputs=[torch.rand(1, 8, 6) for _ in range(2)])
    plain = _pre(num_channels=3)(batch)['inputs']
    last = _pre(num_channels=3, channels_last=True)(batch)['inputs']
    assert last.is_contiguous(memory_format=torch.channels_last)
    assert not plain.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(last, plain)


def test_pad_size_divisor():
    out = _pre(pad_size_divisor=4, pad_value=0.5)(
        dict(inputs=[torch.ones(1, 5, 6)]))['inputs']
    assert out.shape == (1, 1, 8, 8)
    # right and bottom padding; mmengine pads after normalising, so
    # pad_value is a value of the normalised input
    assert out[0, 0, :5, :6].eq(2.).all()
    assert out[0, 0, 5:].eq(0.5).all() and out[0, 0, :, 6:].eq(0.5).all()


def test_sex_tensor():
    samples = _samples(1, 0, 1)
    out = _pre()(dict(inputs=[PIXELS] * 3, data_samples=samples))
    assert out['sex'].dtype == torch.int64
    assert out['sex'].tolist() == [1, 0, 1]
    assert [int(s.sex) for s in out['data_samples']] == [1, 0, 1]
    # no sample has sex: None (sex-less models)
    out = _pre()(dict(inputs=[PIXELS] * 2, data_samples=_samples(None, None)))
    assert out['sex'] is None


def test_mixed_sex_raises_naming_the_images():
    samples = _samples(1, None, 0, None, ids=['a', 'b', 'c', 'd'])
    with pytest.raises(ValueError, match=r"sex is missing for images "
                       r"\['b', 'd'\] while other images of the batch have "
                       'it'):
        _pre()(dict(inputs=[PIXELS] * 4, data_samples=samples))
    # without img_id the batch positions are named
    with pytest.raises(ValueError, match=r'missing for images \[1\]'):
        _pre()(dict(inputs=[PIXELS] * 2, data_samples=_samples(0, None)))
