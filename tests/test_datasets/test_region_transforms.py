"""EraseRegion, StackRegions and region_box (attention-guided regions)."""
import cv2
import numpy as np
import pytest
import torch

from baa_mm.datasets.transforms import EraseRegion, StackRegions
from baa_mm.datasets.transforms.regions import region_box
from baa_mm.registry import MODELS, TRANSFORMS
from baa_mm.utils import register_all_modules

register_all_modules()


def _results(h=40, w=60, seed=0, **regions):
    img = np.random.default_rng(seed).random((h, w)).astype(np.float32)
    return dict(img=img, img_path=f'/data/img_{seed}.png', regions=regions,
                img_shape=(h, w))


# ---------------------------------------------------------------- region_box
def test_region_box_rounds_outwards_and_clips():
    r = _results(R1=[5.2, 3.7, 12.0, 9.1], W=[-5., -2., 100., 4.5],
                 H=None)
    assert region_box(r, 'R1') == (5, 3, 12, 10)
    assert region_box(r, 'W') == (0, 0, 60, 5)
    assert region_box(r, 'H') == (0, 0, 60, 40)  # None: the whole image


def test_region_box_missing_region_names_the_image():
    with pytest.raises(KeyError, match=r"img_3\.png: no region 'R2' "
                       r"\(has \['H', 'R1'\]\)"):
        region_box(_results(seed=3, H=None, R1=[0, 0, 1, 1]), 'R2')
    no_regions = _results()
    del no_regions['regions']
    with pytest.raises(KeyError, match="no region 'R1'"):
        region_box(no_regions, 'R1')


def test_region_box_empty_inside_the_image_is_an_error():
    # a box outside the image must not silently become "the whole image"
    # (EraseRegion would erase everything)
    with pytest.raises(ValueError, match=r"img_0\.png: region 'R1' box "
                       r"\[70, 5, 80, 9\] is empty inside the 60x40 image"):
        region_box(_results(R1=[70, 5, 80, 9]), 'R1')
    with pytest.raises(ValueError, match='is empty'):
        EraseRegion('R1')(_results(R1=[10, 10, 10, 20]))


# --------------------------------------------------------------- EraseRegion
def test_erase_replaces_exactly_the_box():
    r = _results(R1=[5.2, 3.7, 12.0, 9.1])
    before = r['img'].copy()
    np.random.seed(0)
    out = TRANSFORMS.build(dict(type='EraseRegion', region='R1', low=2.,
                                high=3.))(r)['img']
    assert out.shape == before.shape and out.dtype == np.float32
    inside = np.zeros(before.shape, bool)
    inside[3:10, 5:12] = True  # the box rounded outwards
    np.testing.assert_array_equal(out[~inside], before[~inside])
    assert (out[inside] >= 2.).all() and (out[inside] < 3.).all()
    assert len(np.unique(out[inside])) > 1  # random, not one value


def test_erase_default_range_changes_the_box():
    r = _results(R1=[10, 10, 20, 30])
    before = r['img'].copy()
    out = EraseRegion()(r)['img']
    box = out[10:30, 10:20]
    assert (box >= 0).all() and (box < 1).all()
    assert not np.array_equal(box, before[10:30, 10:20])
    assert np.array_equal(out[:10], before[:10])


def test_erase_none_box_is_the_whole_image():
    r = _results(R1=None)
    out = EraseRegion(low=5., high=6.)(r)['img']
    assert (out >= 5.).all() and (out < 6.).all()


def test_erase_missing_region_names_the_image():
    with pytest.raises(KeyError, match=r"img_7\.png: no region 'R1'"):
        EraseRegion('R1')(_results(seed=7, H=[0, 0, 5, 5]))


# -------------------------------------------------------------- StackRegions
H_BOX, R1_BOX = [10., 5., 50., 35.], [20., 10., 30., 20.]


def _resize(crop, s=20):
    return cv2.resize(np.ascontiguousarray(crop), (s, s),
                      interpolation=cv2.INTER_AREA)


def test_stack_order_shapes_and_crops():
    r = _results(H=H_BOX, R1=R1_BOX)
    img = r['img'].copy()
    out = StackRegions(('O', 'H', 'R1', 'E'), size=20)(r)
    x = out['img']
    assert x.shape == (20, 20, 4) and x.dtype == np.float32
    assert out['img_shape'] == (20, 20)
    assert out['stacked_regions'] == ('O', 'H', 'R1', 'E')
    np.testing.assert_allclose(x[..., 0], _resize(img))
    np.testing.assert_allclose(x[..., 1], _resize(img[5:35, 10:50]))
    np.testing.assert_allclose(x[..., 2], _resize(img[10:20, 20:30]))
    # E: the whole image with R1 erased. Area resize 40x60 -> 20x20 takes
    # 2 x 3 blocks: R1 (rows 10-19, cols 20-29) touches output rows 5-9,
    # cols 6-9; everywhere else E equals O exactly.
    touched = np.zeros((20, 20), bool)
    touched[5:10, 6:10] = True
    np.testing.assert_allclose(x[..., 3][~touched], x[..., 0][~touched])
    assert not np.allclose(x[..., 3][touched], x[..., 0][touched])
    # the input image itself is not erased
    np.testing.assert_array_equal(out['img'][..., 0], _resize(img))


def test_erase_channel_uses_the_named_region_and_order_is_kept():
    r = _results(H=H_BOX, R1=R1_BOX)
    img = r['img'].copy()
    x = StackRegions(('E', 'R1', 'H'), size=20, erase='H')(r)['img']
    np.testing.assert_allclose(x[..., 1], _resize(img[10:20, 20:30]))
    np.testing.assert_allclose(x[..., 2], _resize(img[5:35, 10:50]))
    # H (rows 5-34, cols 10-49) erased; row 0-1 of the output is untouched
    np.testing.assert_allclose(x[:2, :, 0], _resize(img)[:2])


def test_one_channel_and_rectangular_size():
    r = _results(H=H_BOX)
    img = r['img'].copy()
    out = StackRegions(('H', ), size=(12, 16))(r)
    assert out['img'].shape == (12, 16) and out['img_shape'] == (12, 16)
    np.testing.assert_allclose(
        out['img'], cv2.resize(img[5:35, 10:50], (16, 12),
                               interpolation=cv2.INTER_AREA))


def test_whole_image_needs_no_regions_and_3d_input_is_gray():
    img = np.random.default_rng(0).random((30, 30, 1)).astype(np.float32)
    out = StackRegions(('O', ), size=10, interpolation='bilinear')(
        dict(img=img))
    np.testing.assert_allclose(
        out['img'], cv2.resize(img[..., 0], (10, 10),
                               interpolation=cv2.INTER_LINEAR))


def test_stack_with_a_none_box_uses_the_whole_image():
    r = _results(H=None, R1=R1_BOX)
    img = r['img'].copy()
    x = StackRegions(('O', 'H'), size=20)(r)['img']
    np.testing.assert_allclose(x[..., 1], x[..., 0])
    np.testing.assert_allclose(x[..., 1], _resize(img))


def test_stack_missing_region_names_the_image():
    with pytest.raises(KeyError, match=r"img_4\.png: no region 'R2'"):
        StackRegions(('H', 'R2'), size=8)(_results(seed=4, H=H_BOX))
    # E erases R1 by default: R1 must exist too
    with pytest.raises(KeyError, match="no region 'R1'"):
        StackRegions(('E', ), size=8)(_results(H=H_BOX))


@pytest.mark.parametrize('kw,match', [
    (dict(regions=()), 'at least one region'),
    (dict(interpolation='nearest'), "interpolation must be 'area' or "
     "'bilinear'"),
])
def test_stack_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        StackRegions(**kw)


def test_pack_and_preprocess_give_n_k_s_s():
    stack = TRANSFORMS.build(dict(type='StackRegions',
                                  regions=('H', 'R1', 'E'), size=16))
    pack = TRANSFORMS.build(dict(type='PackBoneAgeInputs'))
    pre = MODELS.build(dict(type='BoneAgeDataPreprocessor', num_channels=None,
                            mean=[0.5], std=[0.25]))
    items = [pack(stack(_results(seed=s, H=H_BOX, R1=R1_BOX)))
             for s in range(2)]
    assert items[0]['inputs'].shape == (3, 16, 16)
    assert items[0]['data_samples'].metainfo['img_shape'] == (16, 16)
    batch = pre(dict(inputs=[i['inputs'] for i in items],
                     data_samples=[i['data_samples'] for i in items]))
    assert batch['inputs'].shape == (2, 3, 16, 16)
    torch.testing.assert_close(batch['inputs'][1],
                               (items[1]['inputs'] - 0.5) / 0.25)
    # the default (num_channels=1) refuses the stacked channels
    with pytest.raises(ValueError, match='cannot turn 3-channel inputs'):
        MODELS.build(dict(type='BoneAgeDataPreprocessor'))(
            dict(inputs=[items[0]['inputs']]))


# ------------------------------------------------------------ noise seeding
def test_noise_seed_fixes_each_images_noise():
    box = dict(R1=[10, 5, 30, 25])
    erase = EraseRegion(noise_seed=0)
    a = erase.transform(_results(seed=1, **box))['img']
    b = erase.transform(_results(seed=1, **box))['img']
    np.testing.assert_array_equal(a, b)  # the same image: the same noise
    other = erase.transform(_results(seed=2, **box))['img']
    assert not np.array_equal(a[5:25, 10:30], other[5:25, 10:30])
    # another seed, or no seed: other noise
    c = EraseRegion(noise_seed=1).transform(_results(seed=1, **box))['img']
    assert not np.array_equal(a, c)
    fresh = EraseRegion()
    d1 = fresh.transform(_results(seed=1, **box))['img']
    d2 = fresh.transform(_results(seed=1, **box))['img']
    assert not np.array_equal(d1, d2)
    np.testing.assert_array_equal(d1[:5], d2[:5])  # only the box differs
    # StackRegions' 'E' channel follows the same rule
    stack = StackRegions(regions=('E', ), size=20, noise_seed=0)
    e1 = stack.transform(_results(seed=1, **box))['img']
    e2 = stack.transform(_results(seed=1, **box))['img']
    np.testing.assert_array_equal(e1, e2)
    assert 'noise_seed=0' in repr(erase)
