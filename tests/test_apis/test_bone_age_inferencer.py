"""BoneAgeInferencer and tools/infer.py: one row per input, always."""
import csv
import glob
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from baa_mm.apis import BoneAgeInferencer, summarize_rows
from conftest import PYTHON, REPO, run_tool
from dicom_files import write_dicom

BASELINE = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')


@pytest.fixture(scope='module')
def inferencer():
    return BoneAgeInferencer(BASELINE, device='cpu', show_progress=False)


@pytest.fixture
def clinic_folder(phantom_root, tmp_path):
    """Two phantom hands, a broken PNG, a blank and a tiny image, a DICOM
    with sex and dates in its header, and a text file."""
    root = tmp_path / 'clinic'
    (root / 'sub').mkdir(parents=True)
    hands = sorted(glob.glob(osp.join(phantom_root, 'test', '*.png')))[:2]
    for k, src in enumerate(hands):
        cv2.imwrite(str(root / f'hand{k}.png'), cv2.imread(src, 0))
    (root / 'broken.png').write_bytes(b'\x89PNG\r\n\x1a\nnot really')
    cv2.imwrite(str(root / 'blank.png'), np.full((96, 96), 128, np.uint8))
    cv2.imwrite(str(root / 'sub' / 'tiny.png'), cv2.imread(hands[0], 0)[:20])
    pixels = (cv2.imread(hands[1], 0).astype(np.uint16) * 16)
    write_dicom(root / 'sub' / 'IM0001', pixels,
                header=dict(PatientSex='F', PatientBirthDate='20150110',
                            StudyDate='20250110'))
    (root / 'readme.txt').write_text('not an image')
    return root


def _by_name(rows):
    return {osp.basename(r['path']): r for r in rows}


def test_every_input_gets_a_row(inferencer, clinic_folder, tmp_path):
    missing = str(tmp_path / 'gone.png')
    rows = inferencer([str(clinic_folder), missing], batch_size=2,
                      show_dir=str(tmp_path / 'vis'))
    by = _by_name(rows)
    assert len(rows) == 8
    assert summarize_rows(rows) == dict(ok=3, rejected=3, error=2)
    assert by['readme.txt']['status'] == 'rejected'
    assert 'not an image file' in by['readme.txt']['reason']
    assert by['blank.png']['reason'].startswith('blank or too little')
    assert by['tiny.png']['reason'].startswith('too small: 20x64')
    assert by['broken.png']['status'] == 'error'
    assert 'broken.png' in by['broken.png']['reason']
    assert by['gone.png']['status'] == 'error'
    assert 'file not found' in by['gone.png']['reason']
    # the DICOM header gives sex and age (10 years = 120 months)
    dcm = by['IM0001']
    assert dcm['status'] == 'ok' and dcm['sex'] == 'F'
    assert dcm['sex_source'].startswith('dicom')
    assert dcm['chrono_age'] == pytest.approx(120., abs=0.1)
    assert dcm['ba_minus_ca'] == pytest.approx(
        dcm['pred_age'] - dcm['chrono_age'], abs=0.02)
    for row in rows:
        assert (row['vis_path'] is not None) == (row['status'] == 'ok')
        if row['vis_path']:
            assert cv2.imread(row['vis_path']) is not None
        assert row['unit'] == 'months'


def test_arguments_override_and_unknown_sex_is_averaged(inferencer,
                                                        clinic_folder):
    hand = str(clinic_folder / 'hand0.png')
    female, male, unknown = (inferencer(hand, sex=s)[0]
                             for s in ('F', 'M', None))
    assert female['sex_source'] == 'argument' and unknown['sex'] is None
    assert unknown['pred_age'] == pytest.approx(
        (female['pred_age'] + male['pred_age']) / 2, abs=0.02)
    if abs(female['pred_age'] - male['pred_age']) > 1e-2:
        assert 'sex unknown: mean of F' in unknown['flags']
    # the argument wins over the DICOM header
    row = inferencer(str(clinic_folder / 'sub' / 'IM0001'), sex='M',
                     chrono_age=100.)[0]
    assert (row['sex'], row['sex_source']) == ('M', 'argument')
    assert (row['chrono_age'], row['age_source']) == (100., 'argument')
    with pytest.raises(ValueError, match='2 sex values for 1 inputs'):
        inferencer(hand, sex=['F', 'M'])
    with pytest.raises(ValueError, match="unknown sex 'x'"):
        inferencer(hand, sex='x')


def test_batch_size_does_not_change_predictions(inferencer, clinic_folder):
    paths = [str(clinic_folder / f'hand{k}.png') for k in range(2)]
    one = inferencer(paths, sex='F', batch_size=1)
    two = inferencer(paths, sex='F', batch_size=2)
    for a, b in zip(one, two):
        assert a['pred_age'] == pytest.approx(b['pred_age'], abs=0.02)
    arr = cv2.imread(paths[0], 0)
    from_array = inferencer(arr, sex='F', return_datasamples=True)[0]
    assert from_array['pred_age'] == pytest.approx(one[0]['pred_age'],
                                                   abs=0.02)
    assert from_array['data_sample'] is not None


def test_infer_tool_writes_csv_and_json(phantom_root, clinic_folder,
                                        tmp_path):
    work = str(tmp_path / 'w')
    run_tool([PYTHON, 'tools/train.py', BASELINE, '--data-root',
              phantom_root, '--work-dir', work, '--no-validate',
              '--cfg-options', 'train_cfg.max_epochs=1'])
    ckpt = osp.join(work, 'epoch_1.pth')
    out_csv = str(tmp_path / 'res.csv')
    proc = run_tool([PYTHON, 'tools/infer.py', BASELINE, ckpt,
                     str(clinic_folder), '--out', out_csv, '--sex', 'M',
                     '--no-progress'])
    assert 'summary: ok 3, rejected 3, error 1' in proc.stdout
    with open(out_csv) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7 and rows[0].keys() >= {'path', 'status', 'reason',
                                                 'pred_age', 'ba_minus_ca'}
    assert {r['sex'] for r in rows if r['status'] == 'ok'} == {'M'}
    out_json = str(tmp_path / 'res.json')
    run_tool([PYTHON, 'tools/infer.py', BASELINE, ckpt,
              str(clinic_folder / 'hand0.png'), '--out', out_json,
              '--no-progress'])
    with open(out_json) as f:
        assert json.load(f)[0]['status'] == 'ok'
    # 2 sex values for the 6 images of the folder: a message, exit code 2
    import subprocess
    proc = subprocess.run(
        [PYTHON, 'tools/infer.py', BASELINE, ckpt, str(clinic_folder),
         '--sex', 'F', 'M', '--no-progress'], cwd=REPO, capture_output=True,
        text=True, env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.returncode == 2
    assert 'error: 2 sex values for 6 inputs' in proc.stderr


def test_calibration_refuses_and_gives_intervals(phantom_root, clinic_folder,
                                                 tmp_path):
    import torch
    from baa_mm.apis import init_estimator
    from baa_mm.apis.calibration import InferenceCalibration
    from conftest import load_tool
    calibrate = load_tool('tools/analysis_tools/calibrate_inference.py').main
    ckpt = str(tmp_path / 'init.pth')
    torch.save(dict(state_dict=init_estimator(BASELINE).state_dict()), ckpt)
    calib = calibrate([BASELINE, ckpt, '--data-root', phantom_root,
                       '--coverage', '0.5', '--fit-images', '16'])
    path = str(tmp_path / 'init_calibration.npz')
    assert InferenceCalibration.load(path).halfwidth == calib.halfwidth
    assert calib.info['num_selection'] == 8 and calib.unit == 'months'
    hands = [str(clinic_folder / f'hand{k}.png') for k in range(2)]
    rows = BoneAgeInferencer(BASELINE, ckpt, 'cpu',  # 'auto' finds it
                             show_progress=False)(hands, sex='F')
    for row in rows:
        assert row['ood_features'] is not None
        assert row['ood_input'] is not None
        if row['status'] == 'ok':
            assert row['upper'] - row['lower'] == pytest.approx(
                2 * calib.halfwidth, abs=0.02)
        else:
            assert row['reason'].startswith('out of distribution')
    # both ways, on the phantom test split and the generated non-hands
    evaluate = load_tool('tools/analysis_tools/eval_self_validation.py').main
    out_dir = tmp_path / 'selfval'
    summary = evaluate([BASELINE, ckpt, '--out-dir', str(out_dir),
                        '--real-csv', osp.join(phantom_root, 'test.csv'),
                        '--real-dir', osp.join(phantom_root, 'test')])
    assert summary['real radiographs']['n'] == 8
    assert summary['blank']['refused_share'] == 1.  # the image checks
    assert 0 <= summary['real radiographs']['coverage'] <= 1
    assert summary['all non-hand inputs']['n'] == sum(
        s['n'] for k, s in summary.items()
        if k not in ('real radiographs', 'all non-hand inputs'))
    assert (out_dir / 'rows.csv').is_file()
    # a threshold below every distance refuses all, with no picture
    calib.scores['input'].threshold = 0.
    calib.save(path)
    rows = BoneAgeInferencer(BASELINE, ckpt, 'cpu', show_progress=False)(
        hands, sex='F', show_dir=str(tmp_path / 'vis'))
    assert {r['status'] for r in rows} == {'rejected'}
    assert all(r['pred_age'] is None and r['vis_path'] is None
               for r in rows)
    no_calib = BoneAgeInferencer(BASELINE, ckpt, 'cpu', calibration=None,
                                 show_progress=False)(hands, sex='F')
    assert all(r['ood_input'] is None for r in no_calib)


def test_calibration_needs_a_selection_split(tmp_path):
    """A config trained on every training row (no val_dataloader) leaves
    nothing held out to calibrate on: a clear error, not a crash."""
    import torch
    from baa_mm.apis import init_estimator
    from conftest import load_tool
    calibrate = load_tool('tools/analysis_tools/calibrate_inference.py').main
    config = str(tmp_path / 'all_rows.py')
    with open(config, 'w') as f:
        f.write(f'_base_ = [{BASELINE!r}]\nval_dataloader = None\n'
                'val_cfg = None\nval_evaluator = None\n')
    ckpt = str(tmp_path / 'init.pth')
    torch.save(dict(state_dict=init_estimator(BASELINE).state_dict()), ckpt)
    with pytest.raises(SystemExit, match='has no val_dataloader: its model '
                       'trained on every training row'):
        calibrate([config, ckpt])


def test_no_hand_is_refused_or_predicted_from_the_whole_image(clinic_folder):
    ran = osp.join(REPO, 'configs/ran/'
                   'ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py')
    # no hand can score above 1: the segmenter never finds one
    from mmengine.config import Config
    cfg = Config.fromfile(ran)
    cfg.model.score_thr = 1.01
    hand = str(clinic_folder / 'hand0.png')
    row = BoneAgeInferencer(cfg, device='cpu', show_progress=False)(
        hand, sex='F')[0]
    assert row['status'] == 'rejected'
    assert row['reason'].startswith('no hand found')
    row = BoneAgeInferencer(cfg, device='cpu', no_hand='whole image',
                            show_progress=False)(hand, sex='F')[0]
    assert row['status'] == 'ok' and 'no hand: whole image used' in \
        row['flags']
    with pytest.raises(ValueError, match='no_hand must be'):
        BoneAgeInferencer(cfg, device='cpu', no_hand='skip')


def test_grad_cam_adds_a_panel(inferencer, clinic_folder, tmp_path):
    hand = str(clinic_folder / 'hand0.png')
    plain = inferencer(hand, sex='F', show_dir=str(tmp_path / 'a'))[0]
    cam = inferencer(hand, sex='F', show_dir=str(tmp_path / 'b'),
                     grad_cam=True, return_datasamples=True)[0]
    assert 'grad_cam' in cam['data_sample'].pred_maps
    a, b = cv2.imread(plain['vis_path']), cv2.imread(cam['vis_path'])
    assert b.shape[1] == 2 * a.shape[1] and b.shape[0] == a.shape[0]
    assert cam['pred_age'] == pytest.approx(plain['pred_age'], abs=0.02)
