"""The hand mask converters (supervisely_to_coco.py, pseudo_hand_masks.py)
and the pseudo-mask evaluation (eval_pseudo_masks.py).

The package functions they use are tested in
``tests/test_datasets/test_hand_masks``. Synthetic phantoms always; the real
RSNA outlines / boxes / radiographs of ``../shared/data/rsna_fullsize`` when
present (skipped otherwise).
"""
import json
import os
import os.path as osp
import subprocess

import cv2
import numpy as np
import pytest
from pycocotools.coco import COCO

from baa_mm.datasets.hand_masks import (mask_bbox, mask_iou,
                                        mask_to_coco_polygons,
                                        pseudo_hand_mask,
                                        supervisely_to_polygon)
from baa_mm.datasets.image_io import decode_radiograph
from baa_mm.datasets.phantom import render_phantom
from conftest import PYTHON, REPO, SHARED_DATA, load_tool

FULLSIZE = osp.join(SHARED_DATA, 'rsna_fullsize')
POLY_DIR = osp.join(FULLSIZE, 'annotations', 'hand_polygons')
BOX_FILE = osp.join(FULLSIZE, 'annotations', 'hand_bbox_21kpts_coco.json')
THUMB_DIRS = [osp.join(SHARED_DATA, 'rsna100', s) for s in ('train', 'val')]
CONVERTER = osp.join(REPO, 'tools', 'dataset_converters',
                     'supervisely_to_coco.py')
PSEUDO_TOOL = osp.join(REPO, 'tools', 'dataset_converters',
                       'pseudo_hand_masks.py')
EVAL_TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'eval_pseudo_masks.py')


sly2coco = load_tool(CONVERTER)
pseudo_tool = load_tool(PSEUDO_TOOL)


def _need_real_data():
    if not (osp.isdir(POLY_DIR) and osp.isdir(osp.join(FULLSIZE, 'images'))):
        pytest.skip(f'real RSNA data not found under {FULLSIZE} (shared '
                    'data set absent; see ../shared/data/README.md)')


def supervisely_json(mask: np.ndarray) -> dict:
    """A Supervisely annotation of a mask, as the tool would export it:
    integer pixel indices of the border pixels."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    objects = [dict(classTitle='bone polygon', bitmap=None, tags=[],
                    description='',
                    points=dict(exterior=c[:, 0, :].tolist(), interior=[]))
               for c in contours if len(c) >= 3]
    h, w = mask.shape
    return dict(description='', tags=[], size=dict(height=h, width=w),
                objects=objects)


# ---------------------------------------------------------------------------
# supervisely_to_coco.py
# ---------------------------------------------------------------------------


@pytest.fixture
def sly_folder(tmp_path):
    """Supervisely outlines of 3 phantoms at 256 px ("full resolution"),
    their images at 200 x 160 (aspect changed), a box file and bad input."""
    ann_dir, img_dir = tmp_path / 'ann', tmp_path / 'img'
    ann_dir.mkdir()
    img_dir.mkdir()
    gts = {}
    for i in (11, 12, 13):
        s = render_phantom(i, 0, 256)
        with open(ann_dir / f'{i}.json', 'w') as f:
            json.dump(supervisely_json(s.mask), f)
        small = cv2.resize(s.image, (200, 160), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(img_dir / f'{i}.png'), small)
        gts[i] = cv2.resize(s.mask.astype(np.uint8), (200, 160),
                            interpolation=cv2.INTER_LINEAR) > 0
    # id 14: outline but no image (skipped); 15: image + box, no outline
    s = render_phantom(14, 0, 256)
    with open(ann_dir / '14.json', 'w') as f:
        json.dump(supervisely_json(s.mask), f)
    cv2.imwrite(str(img_dir / '15.png'), np.zeros((160, 200), np.uint8))
    (ann_dir / 'broken.json').write_text('{"size": ')
    boxes = dict(
        images=[dict(id='15', file_name='15.png', width=256, height=256),
                dict(id='11', file_name='11.png', width=256, height=256),
                dict(id='16', file_name='16.png', width=256, height=256)],
        annotations=[dict(id=1, image_id='15', bbox=[32, 64, 128, 128],
                          category_id=1),
                     dict(id=2, image_id='11', bbox=[0, 0, 10, 10],
                          category_id=1),
                     dict(id=3, image_id='16', bbox=[0, 0, 10, 10],
                          category_id=1)],
        categories=[dict(id=1, name='hand')])
    box_file = tmp_path / 'boxes.json'
    box_file.write_text(json.dumps(boxes))
    return dict(ann_dir=str(ann_dir), img_dir=str(img_dir),
                box_file=str(box_file), gts=gts, root=tmp_path)


def test_supervisely_to_coco_rescaled_with_boxes(sly_folder, capsys):
    out = str(sly_folder['root'] / 'hand.json')
    coco = sly2coco.main([sly_folder['ann_dir'], out, '--img-dir',
                          sly_folder['img_dir'], '--boxes',
                          sly_folder['box_file']])
    printed = capsys.readouterr().out
    assert 'broken.json' in printed and 'no image 14.png' in printed
    assert 'boxes of 16: no image' in printed
    assert '3 images with masks, 1 box-only' in printed
    api = COCO(out)
    assert api.getCatIds() == [1] and api.cats[1]['name'] == 'hand'
    assert sorted(api.getImgIds()) == [11, 12, 13, 15]
    for i, gt in sly_folder['gts'].items():
        img = api.imgs[i]
        assert (img['width'], img['height']) == (200, 160)
        assert img['file_name'] == f'{i}.png' and img['has_mask']
        (ann, ) = api.loadAnns(api.getAnnIds(imgIds=[i]))
        mask = api.annToMask(ann).astype(bool)
        assert mask_iou(mask, gt) > 0.9
        assert ann['area'] == mask.sum()
        assert ann['bbox'] == pytest.approx(mask_bbox(mask), abs=1)
    # box-only: scaled to the image, no segmentation key
    assert not api.imgs[15]['has_mask']
    (box_ann, ) = api.loadAnns(api.getAnnIds(imgIds=[15]))
    assert 'segmentation' not in box_ann
    assert box_ann['bbox'] == pytest.approx([25, 40, 100, 80])
    skipped = coco['info']['skipped']
    assert len(skipped) == 3 and any('broken.json' in s for s in skipped)
    with pytest.raises(SystemExit, match='skipped'):
        sly2coco.main([sly_folder['ann_dir'], out, '--img-dir',
                       sly_folder['img_dir'], '--strict'])


def test_supervisely_to_coco_json_sizes_and_per_object(sly_folder):
    out = str(sly_folder['root'] / 'hand_full.json')
    coco = sly2coco.main([sly_folder['ann_dir'], out, '--per-object'])
    assert {img['width'] for img in coco['images']} == {256}
    assert len(coco['images']) == 4  # 11-14, no image folder needed
    # the phantom outline has a single contour per hand here
    assert len(coco['annotations']) >= 4
    with pytest.raises(SystemExit, match='no .json files'):
        sly2coco.main([sly_folder['img_dir'], out])


# ---------------------------------------------------------------------------
# pseudo_hand_masks.py
# ---------------------------------------------------------------------------


def _pure_red(bgr: np.ndarray) -> np.ndarray:
    """(H, W) bool: red outline pixels (a gray radiograph has none)."""
    return (bgr[..., 2] > 200) & (bgr[..., 1] < 80) & (bgr[..., 0] < 80)


@pytest.fixture
def radiograph_folder(tmp_path):
    """4 phantom radiographs (3 PNG + 1 JPEG), a flat image, an empty file
    and a text file; plus the ground truth as COCO."""
    d = tmp_path / 'imgs'
    d.mkdir()
    images, annotations = [], []
    for k, i in enumerate((21, 22, 23, 24)):
        s = render_phantom(i, 0, 256)
        name = f'{i}.jpg' if k == 3 else f'{i}.png'
        cv2.imwrite(str(d / name), s.image)
        images.append(dict(id=i, file_name=name, width=256, height=256))
        annotations.append(dict(
            id=i, image_id=i, category_id=1, iscrowd=0,
            segmentation=mask_to_coco_polygons(s.mask),
            area=int(s.mask.sum()), bbox=mask_bbox(s.mask)))
    cv2.imwrite(str(d / 'flat.png'), np.full((120, 100), 90, np.uint8))
    (d / 'empty.png').write_bytes(b'')
    (d / 'notes.txt').write_text('not an image')
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps(dict(images=images, annotations=annotations,
                                  categories=[dict(id=1, name='hand')])))
    return dict(img_dir=str(d), gt=str(gt), root=tmp_path)


def test_pseudo_hand_masks_tool(radiograph_folder, capsys):
    root = radiograph_folder['root']
    out, vis = str(root / 'pseudo.json'), str(root / 'vis')
    summary = pseudo_tool.main([radiograph_folder['img_dir'], out,
                                '--vis-dir', vis, '--gt-coco',
                                radiograph_folder['gt']])
    printed = capsys.readouterr().out
    # nothing silent: unreadable files and the flat image are named
    assert {s['file'] for s in summary['skipped']} == {'empty.png',
                                                       'notes.txt'}
    assert any('empty image file' in s['reason']
               for s in summary['skipped'])
    assert [n['file'] for n in summary['no_mask']] == ['flat.png']
    assert 'skipped: empty.png' in printed and 'no mask: flat.png' in printed
    assert '7 files: 4 masked' in printed
    assert 'IoU vs' in printed and summary['mean_iou'] > 0.9
    assert summary['min_iou'] > 0.85
    # one check image per decodable image (the flat one says why)
    assert sorted(os.listdir(vis)) == ['21.png', '22.png', '23.png',
                                       '24.png', 'flat.png']
    check = cv2.imread(osp.join(vis, '21.png'))
    assert check.shape == (256, 256, 3)
    # the red outline lies on the border of the image's pseudo mask
    path = osp.join(radiograph_folder['img_dir'], '21.png')
    with open(path, 'rb') as f:
        mask = pseudo_hand_mask(decode_radiograph(f.read(), path))
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    outline = np.zeros(mask.shape, np.uint8)
    cv2.drawContours(outline, contours, -1, 1, 1)
    outline[:40] = 0  # the text may cover the top rows
    red = _pure_red(check)
    assert outline.sum() > 200
    assert red[outline > 0].mean() > 0.95  # along the whole outline
    near = cv2.dilate(outline, np.ones((5, 5), np.uint8)) > 0
    assert red[40:].sum() > 200 and not (red & ~near)[40:].any()
    # a check image without a mask has no red at all
    assert not _pure_red(cv2.imread(osp.join(vis, 'flat.png'))).any()
    api = COCO(out)
    assert sorted(api.getImgIds()) == [21, 22, 23, 24]
    assert api.imgs[24]['file_name'] == '24.jpg'
    coco = json.load(open(out))
    assert [n['file'] for n in coco['info']['no_mask']] == ['flat.png']
    assert len(coco['info']['skipped']) == 2
    for ann in api.loadAnns(api.getAnnIds()):
        m = api.annToMask(ann)
        assert abs(int(m.sum()) - ann['area']) <= 0.03 * ann['area']


def test_pseudo_hand_masks_exclude_and_max(radiograph_folder, capsys):
    root = radiograph_folder['root']
    held_out = root / 'held_out'
    held_out.mkdir()
    (held_out / '21.json').write_text('{}')  # e.g. an outline folder
    (root / 'stems.txt').write_text('22\n\n')
    out = str(root / 'p.json')
    summary = pseudo_tool.main([
        radiograph_folder['img_dir'], out, '--no-progress',
        '--exclude-stems', str(held_out), str(root / 'stems.txt'),
        '--max-images', '2'])
    printed = capsys.readouterr().out
    # 7 files - 2 excluded = 5, of which the first 2 (sorted) are processed
    assert summary['num_excluded'] == 2 and summary['num_over_max'] == 3
    assert '2 excluded by --exclude-stems, 3 over --max-images' in printed
    ids = sorted(COCO(out).getImgIds())
    assert ids == [23, 24]
    with pytest.raises(SystemExit, match='neither a folder nor a file'):
        pseudo_tool.main([radiograph_folder['img_dir'], out,
                          '--exclude-stems', str(root / 'nowhere')])


def test_pseudo_hand_masks_cli_strict(radiograph_folder):
    root = radiograph_folder['root']
    proc = subprocess.run(
        [PYTHON, PSEUDO_TOOL, radiograph_folder['img_dir'],
         str(root / 'p.json'), '--strict', '--no-progress', '--param',
         'max_components=2', 'equalize=clahe'],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert 'skipped: notes.txt' in proc.stdout
    assert 'no mask: flat.png' in proc.stdout
    assert osp.isfile(root / 'p.json')  # written before failing
    with pytest.raises(SystemExit, match='unknown parameter'):
        pseudo_tool.main([radiograph_folder['img_dir'], str(root / 'q.json'),
                          '--param', 'bogus=1'])


def _fake_segmenter(preds, monkeypatch):
    """Patch mmdet's inference: ``preds[stem]`` = [(mask, score), ...]."""
    import torch
    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData

    def fake_inference(model, path):
        stem = osp.splitext(osp.basename(path))[0]
        masks = np.stack([m for m, _ in preds[stem]])
        sample = DetDataSample()
        sample.pred_instances = InstanceData(
            masks=torch.from_numpy(masks),
            bboxes=torch.tensor([[0., 0., 1., 1.]] * len(masks)),
            scores=torch.tensor([sc for _, sc in preds[stem]]))
        return sample

    import mmdet.apis
    monkeypatch.setattr(mmdet.apis, 'inference_detector', fake_inference)


def test_pseudo_hand_masks_from_a_segmenter_file(radiograph_folder,
                                                 tmp_path, monkeypatch):
    """--segmenter mode (inference patched with known predictions): the
    chosen hand becomes one annotation with all its pieces; an image without
    a hand above the threshold is named with the best score; unreadable
    files still are; the written file through attach_hands and
    CropToHand(mask_background=True) blanks exactly the outside of the
    predicted (two-piece) mask."""
    from baa_mm.datasets.hand_file import attach_hands
    from baa_mm.datasets.transforms import CropToHand
    two_pieces = np.zeros((256, 256), bool)
    two_pieces[40:120, 30:90] = True
    two_pieces[150:200, 100:180] = True
    other = np.zeros((256, 256), bool)
    other[10:30, 200:250] = True
    preds = {'21': [(two_pieces, 0.9), (other, 0.5)], '22': [(other, 0.8)],
             '23': [(two_pieces, 0.2)], '24': [(other, 0.35)],
             'flat': [(other, 0.1)]}
    _fake_segmenter(preds, monkeypatch)
    seg = dict(model=None, rule='score', score_thr=0.3, config='seg.py',
               checkpoint='seg.pth')
    out = pseudo_tool.run(radiograph_folder['img_dir'], {}, progress=False,
                          segmenter=seg)
    summary = out['summary']
    assert out['coco']['info']['segmenter'] == dict(
        config='seg.py', checkpoint='seg.pth', rule='score', score_thr=0.3)
    assert 'params' not in out['coco']['info']
    assert {x['file'] for x in summary['skipped']} == {'empty.png',
                                                       'notes.txt'}
    no_mask = {n['file']: n['reason'] for n in summary['no_mask']}
    assert set(no_mask) == {'23.png', 'flat.png'}
    assert no_mask['23.png'] == 'no hand scored >= 0.3 (best 0.200)'
    anns = {a['image_id']: a for a in out['coco']['annotations']}
    assert sorted(anns) == [21, 22, 24]
    assert len(anns[21]['segmentation']) == 2  # both pieces, one hand
    assert anns[21]['area'] == int(two_pieces.sum())
    assert anns[21]['bbox'] == [30., 40., 150., 160.]
    path = tmp_path / 'pred.json'
    path.write_text(json.dumps(out['coco']))
    rows, missing = attach_hands([dict(img_id=str(i)) for i in
                                  (21, 22, 23, 24)], str(path))
    assert missing == ['23']
    img = np.full((256, 256), 100, np.uint8)
    res = CropToHand(margin=0., mask_background=True)(dict(
        img=img, hand_bbox=rows[0]['hand_bbox'],
        hand_polygons=rows[0]['hand_polygons']))
    assert res['crop_bbox'] == [30, 40, 180, 200]
    kept = res['img'] > 0
    assert mask_iou(kept, two_pieces[40:200, 30:180]) > 0.97


def test_pseudo_hand_masks_cli_with_a_real_segmenter(radiograph_folder,
                                                     tmp_path):
    """A random-init smoke segmenter through mmdet's own inference: with a
    threshold above 1 every readable image is named, none is written."""
    import torch
    from mmdet.apis import init_detector

    import baa_mm  # noqa: F401
    smoke = osp.join(REPO, 'configs', 'quick_schedules',
                     'mask-rcnn_r18_fpn_1xb2-1e_phantom-64px.py')
    torch.manual_seed(0)
    model = init_detector(smoke, None, device='cpu')
    ckpt = str(tmp_path / 'seg.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    out = str(tmp_path / 'pred.json')
    summary = pseudo_tool.main([radiograph_folder['img_dir'], out,
                                '--segmenter', smoke, ckpt, '--score-thr',
                                '1.01', '--no-progress'])
    assert summary['num_masked'] == 0
    assert sorted(n['file'] for n in summary['no_mask']) == [
        '21.png', '22.png', '23.png', '24.jpg', 'flat.png']
    assert all(n['reason'].startswith('no hand scored >= 1.01')
               for n in summary['no_mask'])
    with open(out) as f:
        assert json.load(f)['info']['segmenter']['score_thr'] == 1.01
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        pseudo_tool.main([radiograph_folder['img_dir'], out, '--segmenter',
                          smoke, str(tmp_path / 'nope.pth')])


# ---------------------------------------------------------------------------
# real RSNA data (skipped when absent)
# ---------------------------------------------------------------------------


def test_real_supervisely_outlines_and_boxes(tmp_path):
    _need_real_data()
    out = str(tmp_path / 'rsna_hands.json')
    coco = sly2coco.main([POLY_DIR, out, '--img-dir',
                          osp.join(FULLSIZE, 'images'), '--boxes', BOX_FILE,
                          '--max-print', '0'])
    info = coco['info']
    with_img = [n[:-5] for n in os.listdir(POLY_DIR)
                if osp.isfile(osp.join(FULLSIZE, 'images', n[:-5] + '.png'))]
    assert info['num_images_with_masks'] == len(with_img) > 0
    assert info['num_images_box_only'] > 0
    api = COCO(out)
    for img_id in (int(i) for i in with_img):
        img = api.imgs[img_id]
        (ann, ) = api.loadAnns(api.getAnnIds(imgIds=[img_id]))
        with open(osp.join(POLY_DIR, f'{img_id}.json')) as f:
            sly = supervisely_to_polygon(json.load(f))
        assert (img['height'], img['width']) == (sly['height'], sly['width'])
        assert 0.05 < ann['area'] / (img['width'] * img['height']) < 0.8


def test_real_pseudo_mask_iou():
    """The reported number: mean IoU vs the RSNA outlines (full size)."""
    _need_real_data()
    eval_tool = load_tool(EVAL_TOOL)
    args = ['--data-root', FULLSIZE]
    if all(osp.isdir(d) for d in THUMB_DIRS):
        args += ['--thumb-dirs'] + THUMB_DIRS
    result = eval_tool.main(args)
    # measured: full size mean 0.948 (min 0.900) over 9 images;
    # thumbnails mean 0.875 (median 0.932) over 84
    assert result['full']['n'] >= 5
    assert result['full']['mean_iou'] > 0.92
    assert result['full']['min_iou'] > 0.8
    if 'thumbs' in result:
        assert result['thumbs']['mean_iou'] > 0.8
        assert result['thumbs']['median_iou'] > 0.88


def test_eval_tool_missing_data(tmp_path):
    eval_tool = load_tool(EVAL_TOOL)
    with pytest.raises(SystemExit, match='outline folder not found'):
        eval_tool.main(['--data-root', str(tmp_path / 'nowhere')])


def test_real_pseudo_tool_on_thumbnails(tmp_path):
    """The CLI on a few real thumbnails against converted outlines."""
    _need_real_data()
    if not all(osp.isdir(d) for d in THUMB_DIRS):
        pytest.skip('rsna100 thumbnails not found under ' + SHARED_DATA)
    gt = str(tmp_path / 'thumb_gt.json')
    sly2coco.main([POLY_DIR, gt, '--img-dir'] + THUMB_DIRS +
                  ['--max-print', '0'])
    img_dir = tmp_path / 'thumbs'
    img_dir.mkdir()
    names = sorted(n for n in os.listdir(THUMB_DIRS[0])
                   if osp.isfile(osp.join(POLY_DIR, n[:-4] + '.json')))[:6]
    for n in names:
        os.symlink(osp.join(THUMB_DIRS[0], n), img_dir / n)
    summary = pseudo_tool.main([str(img_dir), str(tmp_path / 'p.json'),
                                '--gt-coco', gt, '--no-progress'])
    assert summary['num_files'] == len(names) and not summary['skipped']
    assert len(names) == len(summary['ious']) > 0  # unmasked count as 0
    assert summary['mean_iou'] > 0.5
    assert COCO(str(tmp_path / 'p.json')).getImgIds()
