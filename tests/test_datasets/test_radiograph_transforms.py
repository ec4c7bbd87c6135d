"""Keep-ratio resize + pad, histogram normalisation, crop to the hand."""
import json
import logging
import os.path as osp

import numpy as np
import pytest
from mmcv.transforms import Compose

from baa_mm.datasets import LabelFileError, RSNABoneAgeDataset
from baa_mm.datasets.transforms import equalize_hist_float, rasterize_polygons
from baa_mm.registry import TRANSFORMS
from baa_mm.utils import register_all_modules

register_all_modules()


def test_keep_ratio_resize_and_pad_with_mmcv():
    """The documented recipe reuses mmcv's Resize + Pad."""
    pipe = Compose([TRANSFORMS.build(t) for t in (
        dict(type='Resize', scale=(64, 64), keep_ratio=True),
        dict(type='Pad', size=(64, 64), pad_val=dict(img=0)))])
    img = np.ones((200, 100), np.float32)
    out = pipe(dict(img=img, img_shape=img.shape))
    assert out['img'].shape == (64, 64)
    assert out['img'][:, :32].min() == 1.  # hand keeps its aspect ratio
    assert out['img'][:, 33:].max() == 0.  # padding
    assert out['scale_factor'] == pytest.approx((0.32, 0.32))


def test_equalize_is_monotone_and_spreads():
    img = np.linspace(0.4, 0.5, 1000, dtype=np.float32).reshape(10, 100)
    eq = equalize_hist_float(img)
    assert eq.dtype == np.float32 and eq.min() == 0. and eq.max() == 1.
    assert np.all(np.diff(eq.ravel()) >= 0)
    assert np.all(equalize_hist_float(np.full((4, 4), .3)) == 0.)


@pytest.mark.parametrize('method', ['clahe', 'equalize'])
def test_histogram_normalize(method):
    rng = np.random.default_rng(0)
    img = (0.3 + 0.05 * rng.random((64, 64))).astype(np.float32)
    t = TRANSFORMS.build(dict(type='HistogramNormalize', method=method))
    out = t(dict(img=img.copy()))['img']
    assert out.dtype == np.float32 and out.shape == img.shape
    assert 0 <= out.min() and out.max() <= 1
    assert out.std() > 2 * img.std()  # contrast is stretched
    # order of intensities is preserved for global equalisation
    if method == 'equalize':
        assert np.corrcoef(img.ravel(), out.ravel())[0, 1] > 0.9
    with pytest.raises(ValueError, match='grayscale'):
        t(dict(img=np.zeros((4, 4, 3), np.float32)))


def test_crop_to_hand_box_mask_and_missing():
    img = np.arange(100 * 80, dtype=np.float32).reshape(100, 80) / 8000
    poly = [[20., 30., 60., 30., 60., 70., 20., 70.]]
    t = TRANSFORMS.build(dict(type='CropToHand', margin=0.,
                              mask_background=True, background=-1.))
    out = t(dict(img=img.copy(), hand_bbox=[10, 20, 70, 80],
                 hand_polygons=poly))
    assert out['crop_bbox'] == [10, 20, 70, 80]
    assert out['img'].shape == (60, 60) == out['img_shape']
    # inside the polygon: original pixels; outside: background
    assert out['img'][20, 20] == img[40, 30]
    assert out['img'][2, 2] == -1.
    assert out['hand_mask'].sum() == pytest.approx(40 * 40, rel=0.06)
    keep = TRANSFORMS.build(dict(type='CropToHand'))
    res = keep(dict(img=img.copy(), hand_bbox=None))
    assert res['img'].shape == (100, 80) and res['crop_bbox'] == [0, 0, 80, 100]
    err = TRANSFORMS.build(dict(type='CropToHand', on_missing='error'))
    with pytest.raises(KeyError, match='x.png: no hand_bbox'):
        err(dict(img=img, img_path='x.png'))
    with pytest.raises(ValueError, match='outside the 80x100 image'):
        keep(dict(img=img, hand_bbox=[200, 200, 300, 300]))


def test_rasterize_polygons_area():
    m = rasterize_polygons([[0, 0, 10, 0, 10, 10, 0, 10]], 20, 20)
    assert 95 <= m.sum() <= 121


def test_dataset_hands_from_phantom_coco(phantom_root):
    """Phantom masks drive CropToHand; the crop keeps the whole hand."""
    ds = RSNABoneAgeDataset(
        ann_file='test.csv', data_root=phantom_root,
        data_prefix=dict(img_path='test'),
        hand_ann_file='annotations/test_hand_masks.json',
        pipeline=[dict(type='LoadRadiograph'),
                  dict(type='CropToHand', margin=0., mask_background=True),
                  dict(type='PackBoneAgeInputs')])
    info = ds.get_data_info(0)
    x1, y1, x2, y2 = info['hand_bbox']
    assert 0 <= x1 < x2 <= 64 and 0 <= y1 < y2 <= 64
    item = ds[0]
    assert item['inputs'].shape[1:] == (int(np.ceil(y2)) - int(y1),
                                        int(np.ceil(x2)) - int(x1))
    assert item['data_samples'].crop_bbox[:2] == [int(x1), int(y1)]


def test_hand_ann_file_errors_and_missing_count(phantom_root, tmp_path,
                                                mm_log):
    kw = dict(ann_file='test.csv', data_root=phantom_root,
              data_prefix=dict(img_path='test'))
    with pytest.raises(FileNotFoundError,
                       match='hand annotation file not found: .*nope.json'):
        RSNABoneAgeDataset(hand_ann_file='nope.json', **kw)
    bad = tmp_path / 'bad.json'
    bad.write_text('{"images": []}')
    with pytest.raises(LabelFileError, match="bad.json: not a COCO instances "
                       "file .missing 'annotations'."):
        RSNABoneAgeDataset(hand_ann_file=str(bad), **kw)
    assert not mm_log
    empty = tmp_path / 'empty.json'
    empty.write_text('{"images": [], "annotations": []}')
    ds = RSNABoneAgeDataset(hand_ann_file=str(empty), **kw)
    assert len(ds) == 8
    assert all(ds.get_data_info(i)['hand_bbox'] is None
               for i in range(len(ds)))
    assert [r.getMessage() for r in mm_log] == [
        f'{empty}: 8 of 8 images have no hand annotation']
    assert mm_log[0].levelno == logging.WARNING
    # annotations of one image only: the other 7 are counted
    with open(osp.join(phantom_root, 'annotations',
                       'test_hand_masks.json')) as f:
        coco = json.load(f)
    first = coco['images'][0]
    coco['annotations'] = [a for a in coco['annotations']
                           if a['image_id'] == first['id']]
    one = tmp_path / 'one.json'
    one.write_text(json.dumps(coco))
    del mm_log[:]
    ds = RSNABoneAgeDataset(hand_ann_file=str(one), **kw)
    with_hand = [ds.get_data_info(i)['img_id'] for i in range(len(ds))
                 if ds.get_data_info(i)['hand_bbox'] is not None]
    assert with_hand == [osp.splitext(first['file_name'])[0]]
    assert [r.getMessage() for r in mm_log] == [
        f'{one}: 7 of 8 images have no hand annotation']
