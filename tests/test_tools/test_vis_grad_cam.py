"""tools/analysis_tools/vis_grad_cam.py: pictures and box energy shares."""
import csv
import glob
import json
import os.path as osp

import numpy as np
import pytest
import torch

from conftest import REPO, load_tool

tool = load_tool('tools/analysis_tools/vis_grad_cam.py')
SMOKE = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """Random weights of the smoke config, saved as a checkpoint (PyTorch's
    default init: with the config's init (zero-init residuals, a 0.01-std
    head) every Grad-CAM map of the phantoms is zero)."""
    from mmengine.config import Config

    from baa_mm.registry import MODELS
    from baa_mm.utils import register_all_modules
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(SMOKE).model)
    path = str(tmp_path_factory.mktemp('ckpt') / 'random.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def test_split_with_coco_boxes(phantom_root, checkpoint, tmp_path, capsys):
    out = str(tmp_path / 'vis')
    boxes = osp.join(phantom_root, 'annotations', 'test_hand_masks.json')
    res = tool.main([SMOKE, checkpoint, '--data-root', phantom_root,
                     '--num', '3', '--box-ann', boxes, '--out-dir', out])
    pictures = sorted(glob.glob(osp.join(out, '2*.png')))
    assert [osp.basename(p) for p in pictures] == \
        ['200000.png', '200001.png', '200002.png']
    import cv2
    # radiograph + map panel of the 64 px phantom
    assert cv2.imread(pictures[0]).shape == (64, 128, 3)
    with open(osp.join(out, 'grad_cam_energy.csv')) as f:
        rows = list(csv.DictReader(f))
    every = [r for r in rows if r['category'] == 'all']
    assert [r['id'] for r in every] == ['200000', '200001', '200002']
    for r in rows:
        assert 0 <= float(r['energy_share']) <= 1
        assert 0 < float(r['area_share']) < 1
    summary = json.load(open(osp.join(out, 'grad_cam_summary.json')))
    cats = summary['categories']
    assert cats['all']['images'] == 3 and 'carpals' in cats
    assert cats['all']['energy_share'] == pytest.approx(
        np.mean([float(r['energy_share']) for r in every]))
    assert res['summary'] == summary
    printed = capsys.readouterr().out
    assert 'all: energy share' in printed and 'vs area share' in printed


def test_folder_ids_and_errors(phantom_root, checkpoint, tmp_path):
    out = str(tmp_path / 'folder')
    img_dir = osp.join(phantom_root, 'test')
    res = tool.main([SMOKE, checkpoint, '--img-dir', img_dir, '--sex', 'M',
                     '--ids', '200003', '--out-dir', out,
                     '--method', 'gradcam++',
                     '--target-layers', 'backbone.layer3'])
    assert [osp.basename(p) for p in res['written']] == ['200003.png']
    assert res['summary'] is None  # no boxes asked for
    with pytest.raises(SystemExit, match='image id.s. nope not in'):
        tool.main([SMOKE, checkpoint, '--img-dir', img_dir, '--sex', 'M',
                   '--ids', 'nope', '--out-dir', out])
    with pytest.raises(SystemExit, match='image folder not found: .*/nowhere'):
        tool.main([SMOKE, checkpoint, '--img-dir', str(tmp_path / 'nowhere'),
                   '--out-dir', out])
    with pytest.raises(SystemExit, match='checkpoint not found: .*none.pth'):
        tool.main([SMOKE, str(tmp_path / 'none.pth'), '--out-dir', out])
    with pytest.raises(SystemExit, match='box annotation file not found'):
        tool.main([SMOKE, checkpoint, '--img-dir', img_dir, '--sex', 'M',
                   '--box-ann', str(tmp_path / 'b.json'), '--out-dir', out])
    with pytest.raises(SystemExit,
                       match=r'image id\(s\) x not in the test split'):
        tool.main([SMOKE, checkpoint, '--data-root', phantom_root,
                   '--ids', '200000', 'x', '--out-dir', out])


def test_parse_boxes_from_dataset_rows():
    boxes, cats = tool.parse_boxes(
        [dict(bbox=[0, 0, 10, 20], category='carpals'),
         dict(bbox=[5, 5, 6, 6], name='radius', visible=False),
         dict(bbox=[1, 2, 3, 4])], scale=(0.5, 2.))
    np.testing.assert_allclose(boxes, [[0, 0, 5, 40], [0.5, 4, 1.5, 8]])
    assert cats == ['carpals', 'box']


def test_wholebody_rows_with_body_box(wholebody_phantom_root, checkpoint,
                                      tmp_path, capsys):
    """Whole-body phantoms: the dataset rows' informative boxes are scored,
    and the body box gives the within-body reference."""
    out = str(tmp_path / 'wb')
    res = tool.main([
        SMOKE, checkpoint, '--data-root', wholebody_phantom_root,
        '--num', '2', '--out-dir', out, '--cfg-options',
        'test_dataloader.dataset.type=WholeBodyCTDataset',
        'test_dataloader.dataset.box_ann_file=annotations/test_boxes.json'])
    cats = {r['category'] for r in res['rows']}
    assert {'all', 'body', 'vertebrae'} <= cats
    by = {(r['id'], r['category']): r for r in res['rows']}
    for img_id in {r['id'] for r in res['rows']}:
        body, inf = by[(img_id, 'body')], by[(img_id, 'all')]
        # the informative boxes lie inside the body box
        assert inf['area_share'] < body['area_share'] < 1
        assert inf['energy_share'] <= body['energy_share'] + 1e-9
    assert 'within the body box' in capsys.readouterr().out
