"""tools/train.py, test.py and dist_train.sh on CPU, end to end."""
import csv
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import time

import pytest

from conftest import PYTHON, REPO, run_tool

SMOKE = 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py'


def _scalars(work_dir):
    """The json log lines written by the Runner."""
    files = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    assert files, f'no scalars.json under {work_dir}'
    rows = []
    for f in sorted(files):
        with open(f) as fh:
            rows += [json.loads(line) for line in fh]
    return rows


def test_train_val_test_resume(phantom_root, tmp_path):
    work = str(tmp_path / 'work')
    run_tool([PYTHON, 'tools/train.py', SMOKE, '--data-root', phantom_root,
              '--work-dir', work])
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))
    rows = _scalars(work)
    assert any('loss' in r for r in rows)
    vals = [r for r in rows if 'bone_age/MAE' in r]
    assert len(vals) == 2 and all(v['bone_age/MAE'] > 0 for v in vals)

    # --resume (latest checkpoint) continues at epoch 3 with torch>=2.6
    proc = run_tool([PYTHON, 'tools/train.py', SMOKE, '--data-root',
                     phantom_root, '--work-dir', work, '--resume',
                     '--cfg-options', 'train_cfg.max_epochs=3'])
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 2' in log, log[-3000:]
    assert osp.isfile(osp.join(work, 'epoch_3.pth'))
    epochs = [r['epoch'] for r in _scalars(work) if 'loss' in r]
    assert max(epochs) == 3

    out_csv = str(tmp_path / 'preds.csv')
    proc = run_tool([PYTHON, 'tools/test.py', SMOKE,
                     osp.join(work, 'epoch_3.pth'), '--data-root',
                     phantom_root, '--work-dir', work, '--out', out_csv])
    # the evaluated split is named (some configs evaluate a val split)
    label = f"MAE on {osp.join(phantom_root, 'test.csv')}:"
    assert label in proc.stdout
    with open(out_csv) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8
    mae = sum(float(r['abs_error']) for r in rows) / len(rows)
    printed = float(proc.stdout.split(label)[1].split()[0])
    assert abs(mae - printed) < 0.01


def test_amp_flag_uses_bf16_on_cpu(phantom_root, tmp_path):
    work = str(tmp_path / 'amp')
    run_tool([PYTHON, 'tools/train.py', SMOKE, '--data-root', phantom_root,
              '--work-dir', work, '--amp', '--no-validate',
              '--cfg-options', 'train_cfg.max_epochs=1'])
    cfg_dump = glob.glob(osp.join(work, '*', 'vis_data', 'config.py'))
    assert cfg_dump and "type='Bf16OptimWrapper'" in open(cfg_dump[0]).read()
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_dist_train_and_test_two_processes_gloo(phantom_root, tmp_path):
    work = str(tmp_path / 'dist')
    proc = run_tool(['bash', 'tools/dist_train.sh', SMOKE, '2',
                     '--data-root', phantom_root, '--work-dir', work],
                    env=dict(PYTHON=PYTHON, PORT='29517'))
    log = proc.stdout + proc.stderr
    assert 'Distributed launcher: pytorch' in log
    assert 'Distributed training: True' in log
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))
    # 16 images, batch 2, 2 ranks -> 4 iterations per epoch, 8 in all
    iters = [r['iter'] for r in _scalars(work) if 'loss' in r]
    assert max(iters) == 8, iters

    # 2-rank test: results gathered from both ranks, in dataset order
    out_csv = str(tmp_path / 'dist_preds.csv')
    proc = run_tool(['bash', 'tools/dist_test.sh', SMOKE,
                     osp.join(work, 'epoch_2.pth'), '2', '--data-root',
                     phantom_root, '--work-dir', work, '--out', out_csv],
                    env=dict(PYTHON=PYTHON, PORT='29518'))
    assert proc.stdout.count('MAE on ') == 1  # printed by rank 0 only
    with open(out_csv) as f:
        ids = [r['img_id'] for r in csv.DictReader(f)]
    with open(osp.join(phantom_root, 'test.csv')) as f:
        assert ids == [r['id'] for r in csv.DictReader(f)]


def test_dist_train_two_simulated_nodes_trains_and_resumes(phantom_root,
                                                          tmp_path):
    """Two nodes on one machine: two torchrun invocations of dist_train.sh
    with NNODES=2 (NODE_RANK 0 and 1, one process each, gloo) form one
    2-rank job; the same pair resumes it from the last checkpoint (a
    constant lr: the smoke schedule's one-cycle needs more steps than one
    epoch of this tiny set has)."""
    work = str(tmp_path / 'nodes')
    port = str(29600 + os.getpid() % 300)

    def launch(epochs, *extra):
        outs = [open(tmp_path / f'node{node}_{epochs}.log', 'w+')
                for node in (0, 1)]
        procs = [subprocess.Popen(
            ['bash', 'tools/dist_train.sh', SMOKE, '1', '--data-root',
             phantom_root, '--work-dir', work, *extra, '--cfg-options',
             'param_scheduler=None', f'train_cfg.max_epochs={epochs}'],
            cwd=REPO,
            env=dict(os.environ, PYTHONPATH=REPO, PYTHON=PYTHON, NNODES='2',
                     NODE_RANK=str(node), MASTER_ADDR='127.0.0.1',
                     PORT=port), stdout=outs[node],
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
            for node in (0, 1)]
        # a node that fails stops the other at once (its agent would wait
        # for the failed node at the exit barrier)
        deadline = time.time() + 600
        while time.time() < deadline and any(p.poll() is None
                                             for p in procs):
            if any(p.poll() not in (None, 0) for p in procs):
                break
            time.sleep(0.2)
        for p in procs:
            if p.poll() is None:
                # SIGTERM: torchrun stops its rank, which runs in a session
                # of its own and would outlive a SIGKILL of this group
                os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=120)
        logs = []
        for out in outs:
            out.seek(0)
            logs.append(out.read())
            out.close()
        for node, p in enumerate(procs):
            assert p.returncode == 0, f'node {node}: {logs[node][-4000:]}'
        return logs

    launch(1)
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    # 16 images, batch 2, world size 2 -> 4 iterations per epoch
    assert max(r['iter'] for r in _scalars(work) if 'loss' in r) == 4
    logs = launch(2, '--resume')
    assert 'resumed epoch: 1, iter: 4' in logs[0]
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))
    iters = sorted({r['iter'] for r in _scalars(work) if 'loss' in r})
    assert max(iters) == 8


def test_missing_data_root_is_a_clear_error(tmp_path):
    proc = subprocess.run(
        [PYTHON, 'tools/train.py', SMOKE, '--data-root',
         str(tmp_path / 'nowhere'), '--work-dir', str(tmp_path / 'w')],
        cwd=REPO, capture_output=True, text=True)
    assert proc.returncode != 0
    assert f"data root '{tmp_path / 'nowhere'}' of train_dataloader does " \
           'not exist' in proc.stderr
