"""CropBodyPart (upper / lower body) and keep-ratio resize + pad of tall
whole-body images with mmcv's Resize + Pad."""
import cv2
import numpy as np
import pytest
from mmcv.transforms import Compose

from baa_mm.datasets.transforms import CropBodyPart, shift_clip_box
from baa_mm.registry import TRANSFORMS
from baa_mm.utils import register_all_modules

register_all_modules()


def _img(h=100, w=30, dtype=np.uint16):
    return np.arange(h * w).reshape(h, w).astype(dtype)


@pytest.mark.parametrize('part,rows', [('upper', (0, 50)),
                                       ('lower', (50, 100)),
                                       ('whole', (0, 100))])
def test_without_body_bbox_splits_the_image(part, rows):
    img = _img()
    t = TRANSFORMS.build(dict(type='CropBodyPart', part=part))
    out = t(dict(img=img.copy(), img_shape=img.shape))
    assert out['crop_bbox'] == [0, rows[0], 30, rows[1]]
    np.testing.assert_array_equal(out['img'], img[rows[0]:rows[1]])
    assert out['img'].dtype == np.uint16
    assert out['img_shape'] == (rows[1] - rows[0], 30)
    assert out['body_part'] == part


def test_split_and_overlap_tile_the_image():
    img = _img(101)
    up = CropBodyPart('upper', split=0.3)(dict(img=img))
    low = CropBodyPart('lower', split=0.3)(dict(img=img))
    # same rounded split row: the parts tile the image
    assert up['crop_bbox'][3] == low['crop_bbox'][1] == 30
    np.testing.assert_array_equal(np.concatenate([up['img'], low['img']]),
                                  img)
    up = CropBodyPart('upper', split=0.3, overlap=0.1)(dict(img=img))
    low = CropBodyPart('lower', split=0.3, overlap=0.1)(dict(img=img))
    assert up['crop_bbox'][1::2] == [0, 40]
    assert low['crop_bbox'][1::2] == [20, 101]
    # overlap never reaches past the body's ends
    low = CropBodyPart('lower', split=0.3, overlap=0.5)(dict(img=img))
    assert low['crop_bbox'][1::2] == [0, 101]


def test_with_body_bbox_crops_the_box_and_shifts_boxes():
    img = np.random.default_rng(0).random((100, 30, 3)).astype(np.float32)
    boxes = [[6, 12, 10, 20],                     # upper only
             dict(name='knee', bbox=[6, 60, 10, 70], site='legs'),  # lower
             [0, 45, 30, 55],                     # across the split
             [26, 0, 30, 5]]                      # outside the body box
    res = dict(img=img.copy(), body_bbox=[5, 10, 25, 90],
               informative_boxes=boxes)
    up = CropBodyPart('upper')(dict(res))
    assert up['crop_bbox'] == [5, 10, 25, 50]   # box width, upper rows
    np.testing.assert_array_equal(up['img'], img[10:50, 5:25])
    assert up['img'].shape == (40, 20, 3) and up['img_shape'] == (40, 20)
    assert up['body_bbox'] == [0., 0., 20., 40.]
    # shifted, clipped; the knee and the box outside the body are dropped
    assert up['informative_boxes'] == [[1., 2., 5., 10.], [0., 35., 20., 40.]]
    low = CropBodyPart('lower')(dict(res))
    assert low['crop_bbox'] == [5, 50, 25, 90]
    assert low['informative_boxes'] == [
        dict(name='knee', bbox=[1., 10., 5., 20.], site='legs'),
        [0., 0., 20., 5.]]
    assert boxes[1]['bbox'] == [6, 60, 10, 70]  # input left alone
    # margin widens the box's outer sides (not the split), clipped
    up = CropBodyPart('upper', margin=0.1)(dict(res))
    assert up['crop_bbox'] == [3, 2, 27, 50]
    assert up['body_bbox'] == [2., 8., 22., 48.]
    # use_body_bbox=False: the image is split, the box only shifted
    up = CropBodyPart('upper', use_body_bbox=False)(dict(res))
    assert up['crop_bbox'] == [0, 0, 30, 50]
    assert up['body_bbox'] == [5., 10., 25., 50.]


def test_array_boxes_2d_image_and_composed_crop():
    img = _img(200, 60).astype(np.float64)
    arr = np.array([[0, 0, 10, 10], [0, 150, 10, 160]], np.float32)
    out = CropBodyPart('lower')(dict(img=img, informative_boxes=arr,
                                     crop_bbox=[7, 3, 67, 203]))
    assert out['img'].shape == (100, 60)
    assert out['informative_boxes'].dtype == np.float32
    np.testing.assert_array_equal(out['informative_boxes'],
                                  [[0, 50, 10, 60]])
    # in the originally loaded image: after the earlier crop at (7, 3)
    assert out['crop_bbox'] == [7, 103, 67, 203]
    assert shift_clip_box([0, 0, 5, 5], [10, 10, 20, 20]) == (
        [0., 0., 0., 0.], False)


def test_bad_args_and_empty_crop():
    with pytest.raises(ValueError, match='split must lie in'):
        CropBodyPart(split=1.)
    with pytest.raises(ValueError, match='split must lie in'):
        CropBodyPart(split=0)
    with pytest.raises(ValueError, match="part must be one of"):
        CropBodyPart(part='middle')
    with pytest.raises(ValueError, match='overlap'):
        CropBodyPart(overlap=-0.1)
    with pytest.raises(ValueError, match='margin'):
        CropBodyPart(margin=float('nan'))
    with pytest.raises(ValueError, match=r'x\.png: the upper part .* empty'):
        CropBodyPart()(dict(img=_img(), img_path='x.png',
                            body_bbox=[40, 10, 50, 90]))
    assert 'part=' in repr(CropBodyPart())


def _pipeline(path, steps):
    return Compose([TRANSFORMS.build(t) for t in [
        dict(type='LoadRadiograph'), *steps,
        dict(type='PackBoneAgeInputs')]])(
            dict(img_path=path, img_id='a', gt_age=42.))


@pytest.mark.parametrize('target,content', [
    ((224, 224), (224, 75)),   # square target: (w, h) -> content (h, w)
    ((68, 224), (204, 68)),    # ~3.3:1 tall target
])
def test_keep_ratio_pad_vs_squash_through_pack(tmp_path, target, content):
    """mmcv's Resize(keep_ratio) + Pad do for tall images fitted into a
    square or tall target; no own ResizePad. Caveat (mmcv): keep_ratio
    matches the long image side to the long target side, so a wide target
    for tall images (or the reverse) would overflow it."""
    path = str(tmp_path / 'a.png')
    img = np.full((384, 128), 40000, np.uint16)  # 16-bit, tall
    img[:, 0] = 65535
    cv2.imwrite(path, img)
    tw, th = target
    out = _pipeline(path, [
        dict(type='CropBodyPart', part='whole'),
        dict(type='Resize', scale=target, keep_ratio=True),
        dict(type='Pad', size=target, pad_val=0)])
    x = out['inputs']
    assert x.shape == (1, th, tw)
    ch, cw = content
    assert float(x[0, :ch, 1:cw].min()) == pytest.approx(40000 / 65535)
    assert (x[0, ch:] == 0).all() and (x[0, :, cw:] == 0).all()  # padding
    assert x[0, ch:].numel() + x[0, :, cw:].numel() > 0  # there is some
    meta = out['data_samples'].metainfo
    assert meta['crop_bbox'] == [0, 0, 128, 384]
    assert meta['ori_shape'] == (384, 128)
    assert meta['scale_factor'] == pytest.approx((cw / 128, ch / 384))
    assert float(out['data_samples'].gt_age) == 42.
    # squash: the whole target, no padding
    out = _pipeline(path, [
        dict(type='CropBodyPart', part='upper'),
        dict(type='Resize', scale=target, keep_ratio=False)])
    assert out['inputs'].shape == (1, th, tw)
    assert float(out['inputs'].min()) == pytest.approx(40000 / 65535)
    assert out['data_samples'].metainfo['crop_bbox'] == [0, 0, 128, 192]
