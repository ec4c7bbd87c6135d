"""tools/analysis_tools/eval_hand_segmenter.py: IoU against outlines, the
no-hand case named, the gallery; on phantoms with a random segmenter."""
import csv
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from conftest import REPO

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'eval_hand_segmenter.py')
SMOKE = osp.join(REPO, 'configs', 'quick_schedules',
                 'mask-rcnn_r18_fpn_1xb2-1e_phantom-64px.py')


def _load():
    spec = importlib.util.spec_from_file_location('baa_mm_test_eval_seg',
                                                  TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load()


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
    # the outline as rasterised by eval_pseudo_masks (tested there)
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
    # the outlined images come first: tile 0 has red (prediction) pixels
    assert (grid[:64, :64, 2] > 200).sum() > 20


def test_cli_runs_a_real_segmenter(folder, tmp_path, capsys):
    """A random-init smoke segmenter end to end through mmdet's inference;
    with --score-thr above 1 every image is a named 'no hand'."""
    from mmdet.apis import init_detector

    import baa_mm  # noqa: F401
    model = init_detector(SMOKE, None, device='cpu')
    ckpt = str(tmp_path / 'seg.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
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
