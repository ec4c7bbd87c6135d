"""tools/analysis_tools/eval_hand_segmenter.py: IoU against outlines, the
no-hand case named, the gallery; on phantoms with a random segmenter."""
import csv
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from conftest import REPO, load_tool

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'eval_hand_segmenter.py')
SMOKE = osp.join(REPO, 'configs', 'quick_schedules',
                 'mask-rcnn_r18_fpn_1xb2-1e_phantom-64px.py')


tool = load_tool(TOOL)


def _pure_red(bgr):
    """(H, W) bool: red outline pixels (a gray radiograph has none)."""
    return (bgr[..., 2] > 200) & (bgr[..., 1] < 80) & (bgr[..., 0] < 80)


def _square(h, w, box):
    m = np.zeros((h, w), bool)
    x1, y1, x2, y2 = box
    m[y1:y2, x1:x2] = True
    return m


@pytest.fixture
def folder(tmp_path):
    """Three 48 x 64 radiographs; '1' and '2' have an outline of the bright
    square (10..30, 10..40)."""
    img_dir, poly_dir = tmp_path / 'images', tmp_path / 'polys'
    img_dir.mkdir()
    poly_dir.mkdir()
    hand = _square(48, 64, (10, 10, 30, 40))
    for stem in ('1', '2', '3'):
        cv2.imwrite(str(img_dir / f'{stem}.png'),
                    (hand * 200 + 20).astype(np.uint8))
    exterior = [[10, 10], [29, 10], [29, 39], [10, 39]]
    for stem in ('1', '2'):
        (poly_dir / f'{stem}.json').write_text(json.dumps(dict(
            size=dict(height=48, width=64), objects=[dict(
                classTitle='hand', points=dict(exterior=exterior,
                                               interior=[]))])))
    return tmp_path


def test_iou_rule_and_no_hand(folder, monkeypatch):
    """Known predictions (inference patched): image 1 hits the square, image
    2 predicts its left half, image 3 only a low-score hand."""
    preds = {
        '1': [((10, 10, 30, 40), 0.9), ((40, 0, 60, 10), 0.4)],
        '2': [((10, 10, 20, 40), 0.8)],
        '3': [((0, 0, 5, 5), 0.1)],
    }

    def fake_inference(model, path):
        stem = osp.splitext(osp.basename(path))[0]
        sample = DetDataSample()
        sample.pred_instances = InstanceData(
            masks=torch.from_numpy(np.stack(
                [_square(48, 64, b) for b, _ in preds[stem]])),
            bboxes=torch.tensor([b for b, _ in preds[stem]]).float(),
            scores=torch.tensor([s for _, s in preds[stem]]))
        return sample

    import mmdet.apis
    monkeypatch.setattr(mmdet.apis, 'inference_detector', fake_inference)
    rows = tool.segment_folder(None, str(folder / 'images'),
                               str(folder / 'polys'), 'score', 0.3)
    by_id = {r['id']: r for r in rows}
    assert set(by_id) == {'1', '2', '3'}
    # the outline as rasterised by supervisely_to_mask (tested there)
    gt = by_id['1']['gt']
    assert gt.sum() > 500 and (gt == by_id['2']['gt']).all()

    def iou(a, b):
        return (a & b).sum() / (a | b).sum()

    assert by_id['1']['iou'] == pytest.approx(
        iou(_square(48, 64, (10, 10, 30, 40)), gt))
    assert by_id['1']['iou'] > 0.9
    assert by_id['1']['num_hands'] == 2  # the 0.4 one counts, not chosen
    half = _square(48, 64, (10, 10, 20, 40))
    assert by_id['2']['iou'] == pytest.approx(iou(half, gt))
    assert by_id['2']['precision'] == pytest.approx((half & gt).sum()
                                                    / half.sum())
    assert by_id['2']['recall'] == pytest.approx((half & gt).sum() / gt.sum())
    # below the threshold: an empty mask, named, no outline to score
    assert by_id['3']['reason'] == 'no hand' and not by_id['3']['mask'].any()
    assert by_id['3']['iou'] is None
    grid = tool.gallery(rows, num=3, tile=64, cols=2)
    assert grid.shape == (128, 128, 3)
    # the outlined images come first: tile 0 is image 1, whose predicted
    # square (x 10..29, y 10..39) is outlined in red on its border pixels
    red = _pure_red(grid[:64, :64])
    assert red[25, 10] and red[25, 29] and red[39, 20]
    assert red.sum() > 40 and not red[15:35, 14:26].any()  # not inside
    # the same tile without a predicted mask has no red pixel
    no_pred = [dict(r, mask=np.zeros_like(r['mask'])) for r in rows]
    assert not _pure_red(tool.gallery(no_pred, num=3, tile=64,
                                      cols=2)[:64, :64]).any()


@pytest.fixture
def smoke_segmenter(tmp_path):
    """A random-init smoke segmenter (seeded) and its saved checkpoint."""
    from mmdet.apis import init_detector

    import baa_mm  # noqa: F401
    torch.manual_seed(0)
    model = init_detector(SMOKE, None, device='cpu')
    ckpt = str(tmp_path / 'seg.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return model, ckpt


def test_cli_runs_a_real_segmenter(folder, tmp_path, smoke_segmenter,
                                   capsys):
    """A random-init smoke segmenter end to end through mmdet's inference;
    with --score-thr above 1 every image is a named 'no hand'."""
    _, ckpt = smoke_segmenter
    out = tool.main([SMOKE, ckpt, '--img-dir', str(folder / 'images'),
                     '--poly-dir', str(folder / 'polys'), '--score-thr',
                     '1.01', '--gallery', str(tmp_path / 'g.jpg'),
                     '--gallery-num', '3', '--tile', '64', '--csv',
                     str(tmp_path / 'rows.csv')])
    printed = capsys.readouterr().out
    assert out['num_images'] == 3 and out['missed'] == ['1', '2', '3']
    assert 'no hand above 1.01 in 3: 1, 2, 3' in printed
    assert out['stats']['n'] == 2 and out['stats']['mean_iou'] == 0.
    assert cv2.imread(str(tmp_path / 'g.jpg')).shape == (64, 256, 3)
    with open(tmp_path / 'rows.csv') as f:
        assert [r['id'] for r in csv.DictReader(f)] == ['1', '2', '3']
    with pytest.raises(SystemExit, match='image folder not found'):
        tool.main([SMOKE, ckpt, '--img-dir', str(tmp_path / 'none')])
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        tool.main([SMOKE, str(tmp_path / 'nope.pth'), '--img-dir',
                   str(folder / 'images')])


def test_cli_scores_real_predictions(folder, tmp_path, smoke_segmenter,
                                     capsys):
    """With --score-thr 0 the random segmenter's chosen hand of every image
    reaches the IoU code: the IoUs of the outlined images are numbers in
    [0, 1], printed, written and equal to the IoU of the masks."""
    model, ckpt = smoke_segmenter
    out = tool.main([SMOKE, ckpt, '--img-dir', str(folder / 'images'),
                     '--poly-dir', str(folder / 'polys'), '--score-thr',
                     '0', '--csv', str(tmp_path / 'rows.csv')])
    printed = capsys.readouterr().out
    assert out['missed'] == [] and 'no hand above 0.0 in 0' in printed
    by_id = {r['id']: r for r in out['rows']}
    for stem in ('1', '2'):
        r = by_id[stem]
        assert r['reason'] == '' and r['num_hands'] >= 1
        for key in ('iou', 'precision', 'recall'):
            assert np.isfinite(r[key]) and 0. <= r[key] <= 1.
        assert f"{r['iou']:6.3f}" in printed  # the table row
        if r['iou'] > 0:  # IoU, precision and recall of the same masks
            assert 1 / r['iou'] == pytest.approx(
                1 / r['precision'] + 1 / r['recall'] - 1)
    assert by_id['3']['iou'] is None  # no outline: not scored
    assert out['stats']['n'] == 2
    assert out['stats']['mean_iou'] == pytest.approx(
        (by_id['1']['iou'] + by_id['2']['iou']) / 2)
    with open(tmp_path / 'rows.csv') as f:
        written = {r['id']: r for r in csv.DictReader(f)}
    assert float(written['1']['iou']) == pytest.approx(by_id['1']['iou'])
    assert written['3']['iou'] == ''
    # the same model in memory: the IoU is that of its mask and the outline
    rows = tool.segment_folder(model, str(folder / 'images'),
                               str(folder / 'polys'), 'score', 0.)
    for r in rows[:2]:
        assert r['mask'].shape == r['gt'].shape == (48, 64)
        union = (r['mask'] | r['gt']).sum()
        assert r['iou'] == pytest.approx((r['mask'] & r['gt']).sum() / union)
        assert r['iou'] == pytest.approx(by_id[r['id']]['iou'])
