"""HandSegDataset: COCO hand masks through an mmdet pipeline."""
import json
import logging

import cv2
import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

from baa_mm.datasets.hand_masks import mask_iou, mask_to_coco_polygons
from baa_mm.datasets.hand_seg import HandSegDataset
from baa_mm.datasets.phantom import generate_phantom_split, render_phantom
from baa_mm.registry import DATASETS
from conftest import load_tool

SCOPED = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='PackDetInputs'),
]
PREFIXED = [
    dict(type='mmdet.LoadImageFromFile'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='mmdet.Resize', scale=(48, 48), keep_ratio=True),
    dict(type='mmdet.PackDetInputs'),
]


def _load_tool(name):
    return load_tool(f'tools/dataset_converters/{name}.py')


@pytest.fixture(scope='module')
def phantom_split(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('hand_seg'))
    generate_phantom_split(root, 'train', 4, img_size=64, seed=0)
    return root


def test_phantom_masks_through_mmdet_pipeline(phantom_split):
    ds = HandSegDataset(
        ann_file='annotations/train_hand_masks.json',
        data_root=phantom_split, data_prefix=dict(img='train/'),
        pipeline=SCOPED)
    assert ds.metainfo['classes'] == ('hand', )
    assert ds.metainfo['palette'] == [(220, 20, 60)]
    assert len(ds) == 4 and ds.missing_mask_img_ids == []
    for i in range(len(ds)):
        item = ds[i]
        sample = item['data_samples']
        assert item['inputs'].shape == (3, 64, 64)
        gt = sample.gt_instances
        assert len(gt) == 1 and gt.labels.tolist() == [0]
        masks = gt.masks.to_ndarray()
        assert masks.shape == (1, 64, 64)
        ref = render_phantom(sample.img_id, 0, 64).mask
        assert mask_iou(masks[0], ref) > 0.97
        x1, y1, x2, y2 = gt.bboxes.tensor[0].tolist()
        ys, xs = np.nonzero(ref)
        assert (x1, y1) == (xs.min(), ys.min())
        assert (x2, y2) == (xs.max() + 1, ys.max() + 1)


def test_built_from_registry_with_prefixed_transforms(phantom_split):
    ds = DATASETS.build(dict(
        type='HandSegDataset', ann_file='annotations/train_hand_masks.json',
        data_root=phantom_split, data_prefix=dict(img='train/'),
        pipeline=PREFIXED))
    assert isinstance(ds, HandSegDataset)
    sample = ds[0]['data_samples']
    assert sample.gt_instances.masks.to_ndarray().shape == (1, 48, 48)
    assert isinstance(ds[0]['inputs'], torch.Tensor)


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    """supervisely_to_coco.py output with 2 outlines and 1 box-only image,
    and pseudo_hand_masks.py output for the same images."""
    root = tmp_path_factory.mktemp('converted')
    ann_dir, img_dir = root / 'ann', root / 'img'
    ann_dir.mkdir()
    img_dir.mkdir()
    for i in (5, 6, 7):
        s = render_phantom(i, 0, 256)
        cv2.imwrite(str(img_dir / f'{i}.png'), s.image)
        if i == 7:
            continue
        contours, _ = cv2.findContours(s.mask.astype(np.uint8),
                                       cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_NONE)
        objects = [dict(classTitle='bone polygon',
                        points=dict(exterior=c[:, 0].tolist(), interior=[]))
                   for c in contours]
        (ann_dir / f'{i}.json').write_text(json.dumps(dict(
            size=dict(height=256, width=256), objects=objects)))
    boxes = root / 'boxes.json'
    boxes.write_text(json.dumps(dict(
        images=[dict(id=7, file_name='7.png', width=256, height=256)],
        annotations=[dict(id=1, image_id=7, bbox=[40, 30, 150, 200],
                          category_id=1)],
        categories=[dict(id=1, name='hand')])))
    out = str(root / 'hands.json')
    _load_tool('supervisely_to_coco').main([
        str(ann_dir), out, '--img-dir', str(img_dir), '--boxes', str(boxes)])
    pseudo = str(root / 'pseudo.json')
    _load_tool('pseudo_hand_masks').main(
        [str(img_dir), pseudo, '--no-progress'])
    return dict(root=str(root), img_dir=str(img_dir), ann=out, pseudo=pseudo)


def test_converted_file_box_only_skipped_and_logged(converted):
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        ds = HandSegDataset(ann_file=converted['ann'],
                            data_prefix=dict(img=converted['img_dir']),
                            pipeline=SCOPED)
    finally:
        logger.removeHandler(handler)
    assert len(ds) == 2 and ds.missing_mask_img_ids == [7]
    (msg, ) = [r.getMessage() for r in records
               if r.levelno == logging.WARNING]
    assert 'box-only' in msg and '[7]' in msg and "missing_mask='skip'" in msg
    for i in range(2):
        sample = ds[i]['data_samples']
        ref = render_phantom(sample.img_id, 0, 256).mask
        mask = sample.gt_instances.masks.to_ndarray()[0]
        assert mask_iou(mask, ref) > 0.93


def test_converted_file_box_as_mask(converted):
    ds = HandSegDataset(ann_file=converted['ann'],
                        data_prefix=dict(img=converted['img_dir']),
                        pipeline=SCOPED, missing_mask='box')
    assert len(ds) == 3
    (idx, ) = [i for i in range(3) if ds.get_data_info(i)['img_id'] == 7]
    mask = ds[idx]['data_samples'].gt_instances.masks.to_ndarray()[0]
    assert mask.sum() == 150 * 200 and mask[30:230, 40:190].all()


def test_converted_file_missing_mask_raise(converted):
    with pytest.raises(ValueError, match='box-only'):
        HandSegDataset(ann_file=converted['ann'],
                       data_prefix=dict(img=converted['img_dir']),
                       missing_mask='raise')
    with pytest.raises(ValueError, match='missing_mask'):
        HandSegDataset(ann_file=converted['ann'], missing_mask='drop')


def test_pseudo_mask_file(converted):
    ds = HandSegDataset(ann_file=converted['pseudo'],
                        data_prefix=dict(img=converted['img_dir']),
                        pipeline=SCOPED)
    assert len(ds) == 3
    for i in range(3):
        sample = ds[i]['data_samples']
        masks = sample.gt_instances.masks.to_ndarray()
        assert masks.shape[0] >= 1
        ref = render_phantom(sample.img_id, 0, 256).mask
        assert mask_iou(masks.any(0), ref) > 0.9


def test_rle_segmentation(tmp_path):
    """Compressed RLE (written for outlines with holes) loads too."""
    from pycocotools import mask as mask_utils
    s = render_phantom(3, 0, 64)
    cv2.imwrite(str(tmp_path / '3.png'), s.image)
    m = s.mask.copy()
    m[30:34, 30:34] = False  # a hole
    rle = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))
    coco = dict(
        images=[dict(id=3, file_name='3.png', width=64, height=64)],
        annotations=[dict(id=1, image_id=3, category_id=1, iscrowd=0,
                          area=int(m.sum()), bbox=[0, 0, 64, 64],
                          segmentation=dict(size=[64, 64],
                                            counts=rle['counts'].decode()))],
        categories=[dict(id=1, name='hand')])
    (tmp_path / 'rle.json').write_text(json.dumps(coco))
    ds = HandSegDataset(ann_file=str(tmp_path / 'rle.json'),
                        data_prefix=dict(img=str(tmp_path)), pipeline=SCOPED)
    mask = ds[0]['data_samples'].gt_instances.masks.to_ndarray()[0]
    assert (mask.astype(bool) == m).all()
    assert mask_to_coco_polygons(mask)  # traceable
