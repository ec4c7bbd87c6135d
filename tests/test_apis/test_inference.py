"""init_estimator / inference_bone_age and tools/infer.py."""
import glob
import os.path as osp

import pytest
import torch

from baa_mm.apis import inference_bone_age, init_estimator
from conftest import PYTHON, REPO, SHARED_DATA, run_tool

PRS = osp.join(REPO, 'configs/quick_schedules/prsnet_r18_1xb2-2e_phantom-32px.py')
RAN = osp.join(REPO,
               'configs/ran/ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py')


def test_prsnet_paths_and_arrays(phantom_root):
    model = init_estimator(PRS)
    paths = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[:2]
    out = inference_bone_age(model, paths, sex=['M', 'female'])
    assert len(out) == 2 and all(torch.isfinite(s.pred_age) for s in out)
    assert out[0].pred_parts.bboxes.shape == (3, 4)
    assert list(out[0].pred_maps) == ['relation_res3', 'relation_res4',
                                      'relation_res5']
    assert out[0].metainfo['img_id'] == osp.splitext(osp.basename(paths[0]))[0]
    assert model.return_maps is False  # restored
    # an array gives the same prediction as its file
    import cv2
    arr = cv2.imread(paths[0], cv2.IMREAD_GRAYSCALE)
    one = inference_bone_age(model, arr, sex=1)
    torch.testing.assert_close(one.pred_age, out[0].pred_age)
    with pytest.raises(ValueError, match='unknown sex'):
        inference_bone_age(model, arr, sex='x')
    with pytest.raises(FileNotFoundError, match='nope.png'):
        inference_bone_age(model, 'nope.png', sex=1)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        init_estimator(PRS, 'missing.pth')


def test_segment_then_regress_on_a_real_radiograph():
    images = sorted(glob.glob(osp.join(SHARED_DATA, 'rsna_fullsize', '**',
                                       '*.png'), recursive=True))
    if not images:
        pytest.skip(f'no full-size RSNA radiographs under {SHARED_DATA}')
    model = init_estimator(RAN, cfg_options={'model.score_thr': 0.})
    out = inference_bone_age(model, images[0], sex='F')
    assert torch.isfinite(out.pred_age)
    assert out.pred_hand.masks.shape == (1, 128, 128)
    assert list(out.pred_maps) == ['Att1_1', 'Att2_1', 'Att2_2', 'Att3_1',
                                   'Att3_2', 'Att3_3']
    assert [tuple(m.shape) for m in out.pred_maps.values()] == \
        [(32, 32)] + [(16, 16)] * 2 + [(8, 8)] * 3
    # score_thr 0: any hand found is used; the fallback only without one
    assert out.num_hands == len(out.pred_instances)
    assert ('fallback' in out.metainfo) == (out.num_hands == 0)


def test_no_hand_falls_back_to_the_whole_image(phantom_root):
    # no hand can reach a score above 1: every image is a fallback
    model = init_estimator(RAN, cfg_options={'model.score_thr': 1.01})
    paths = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[:2]
    out = inference_bone_age(model, paths, sex=['F', 'M'])
    for sample in out:
        assert sample.metainfo['fallback'] == 'no hand'
        assert sample.num_hands == 0
        assert sample.pred_hand.masks.shape == (1, 128, 128)
        assert sample.pred_hand.masks.all()
        assert torch.isfinite(sample.pred_age)
    # the same model with every hand accepted: no fallback where it finds
    # one
    model = init_estimator(RAN, cfg_options={'model.score_thr': 0.})
    found = inference_bone_age(model, paths, sex=['F', 'M'])
    for sample in found:
        assert ('fallback' in sample.metainfo) == (sample.num_hands == 0)


def test_infer_tool(phantom_root, tmp_path):
    paths = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[:2]
    work = str(tmp_path / 'w')
    run_tool([PYTHON, 'tools/train.py', PRS, '--data-root', phantom_root,
              '--work-dir', work, '--no-validate',
              '--cfg-options', 'train_cfg.max_epochs=1'])
    proc = run_tool([PYTHON, 'tools/infer.py', PRS,
                     osp.join(work, 'epoch_1.pth')] + paths +
                    ['--sex', 'M', '--show-dir', str(tmp_path / 'vis')])
    lines = [l for l in proc.stdout.splitlines() if 'months' in l]
    assert len(lines) == 2 and lines[0].startswith(paths[0])
    assert len(glob.glob(str(tmp_path / 'vis' / '*.png'))) == 2
