"""PRSNet through the tools: the entry config as typed, --show-dir with part
hit rates, and ensembles of checkpoints."""
import glob
import os.path as osp
import subprocess

import pytest

from conftest import PYTHON, REPO, load_tool, run_tool
from rsna_download import write_release

SMOKE = 'configs/quick_schedules/prsnet_r18_1xb2-2e_phantom-32px.py'
BASELINE_SMOKE = 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py'


def _printed_mae(stdout):
    return float(stdout.split('MAE on ')[1].split(':', 1)[1].split()[0])


def test_prsnet_r34_entry_point_trains_as_typed(tmp_path):
    root = str(tmp_path / 'rsna')
    # the RSNA release as downloaded; 1386 falls in the configs' 10 %
    # selection holdout, the others are trained on
    write_release(root, train_ids=['1377', '1378', '1379', '1386'])
    work = str(tmp_path / 'work')
    # the published config (ResNet-34 x 2 at 512 px); only the data root and
    # the length of the run differ from `python tools/train.py
    # configs/prsnet_r34.py`
    loader = ('batch_size=2', 'num_workers=0', 'persistent_workers=False')
    opts = ['train_cfg.max_epochs=1'] + [
        f'{name}.{o}' for name in ('train_dataloader', 'val_dataloader')
        for o in loader]
    proc = run_tool([PYTHON, 'tools/train.py', 'configs/prsnet_r34.py',
                     '--data-root', root, '--work-dir', work,
                     '--cfg-options'] + opts)
    log = proc.stdout + proc.stderr
    assert 'loss_rank' in log and 'bone_age/MAE' in log
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_prsnet_r34_missing_data_root_is_a_clear_error(tmp_path):
    proc = subprocess.run([PYTHON, 'tools/train.py', 'configs/prsnet_r34.py',
                           '--work-dir', str(tmp_path / 'w')],
                          cwd=REPO, capture_output=True, text=True)
    if osp.isdir(osp.join(REPO, 'data', 'rsna')):
        pytest.skip('data/rsna exists in this checkout')
    assert proc.returncode != 0
    assert "data root 'data/rsna' of train_dataloader does not exist" in \
        proc.stderr
    assert '--data-root' in proc.stderr


def test_prsnet_smoke_train_test_show_dir(phantom_root, tmp_path):
    work = str(tmp_path / 'work')
    run_tool([PYTHON, 'tools/train.py', SMOKE, '--data-root', phantom_root,
              '--work-dir', work])
    ckpt = osp.join(work, 'epoch_2.pth')
    proc = run_tool([PYTHON, 'tools/test.py', SMOKE, ckpt, '--data-root',
                     phantom_root, '--work-dir', work, '--show-dir', 'vis'])
    # PartHitMetric read the phantom's informative boxes under --data-root
    assert 'parts/hit_rate' in proc.stdout
    drawn = glob.glob(osp.join(work, '*', 'vis', '*.png'))
    assert len(drawn) == 8
    import cv2
    img = cv2.imread(drawn[0])
    # the radiograph (64 px original) + three relation maps side by side
    assert img.shape == (64, 4 * 64, 3)


def test_ensemble_of_checkpoints(phantom_root, tmp_path):
    work = str(tmp_path / 'work')
    run_tool([PYTHON, 'tools/train.py', BASELINE_SMOKE, '--data-root',
              phantom_root, '--work-dir', work, '--no-validate'])
    ckpts = [osp.join(work, f'epoch_{e}.pth') for e in (1, 2)]
    single = [_printed_mae(run_tool(
        [PYTHON, 'tools/test.py', BASELINE_SMOKE, c, '--data-root',
         phantom_root, '--work-dir', work]).stdout) for c in ckpts]
    # the same checkpoint twice is that checkpoint
    twice = _printed_mae(run_tool(
        [PYTHON, 'tools/test.py', BASELINE_SMOKE, ckpts[1], ckpts[1],
         '--data-root', phantom_root, '--work-dir', work]).stdout)
    assert twice == pytest.approx(single[1], abs=0.01)
    both = run_tool([PYTHON, 'tools/test.py', BASELINE_SMOKE] + ckpts +
                    ['--data-root', phantom_root, '--work-dir', work])
    # |mean of two predictions - y| <= mean of the two errors (convexity)
    assert _printed_mae(both.stdout) <= sum(single) / 2 + 0.01
    proc = subprocess.run([PYTHON, 'tools/test.py', BASELINE_SMOKE,
                           ckpts[0], str(tmp_path / 'nope.pth')], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and 'nope.pth' in proc.stderr


def test_latency_benchmark_times_every_stage(capsys):
    """benchmark_prsnet_latency.py replays PRSNet's stages through the
    modules' public methods (tiny sizes: a smoke run, not a timing)."""
    bench = load_tool('tools/analysis_tools/benchmark_prsnet_latency.py')
    bench.main([
        '--config',
        osp.join(REPO, 'configs/prsnet/prsnet_r18_1xb32-20e_phantom-64px.py'),
        '--baseline-config',
        osp.join(REPO, 'configs/prsnet/'
                 'prsnet-baseline_r18_1xb32-20e_phantom-64px.py'),
        '--size', '64', '--hr-size', '96', '80', '--warmup', '1',
        '--repeats', '1', '--breakdown', '--device', 'cpu'])
    out = capsys.readouterr().out
    assert 'ratio prsnet / baseline:' in out
    # a peak-memory line per model, PRSNet's read after the baseline's
    peaks = [float(line.split('high-water ')[1].split(' MiB')[0])
             for line in out.splitlines() if 'peak memory' in line]
    assert len(peaks) == 2 and 0 < peaks[0] <= peaks[1]
    for stage in ('trunk (ResNet + relation)', 'anchor scores + NMS',
                  'RoIAlign crops (full res)', 'part CNN', 'head'):
        assert stage in out
