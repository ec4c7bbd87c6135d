"""baa_mm.apis.sharded_inference and tools/dist_infer.sh: sharded,
journalled inference gives the single-process file, and a killed run
resumes without losing or repeating a row."""
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import time

import cv2
import pytest
import torch

from baa_mm.apis import (BoneAgeInferencer, part_path, read_parts,
                         run_sharded, write_rows)
from conftest import PYTHON, REPO, run_tool

BASELINE = osp.join(
    REPO, 'configs/quick_schedules/baseline_r18_1xb2-2e_phantom-64px.py')


@pytest.fixture(scope='module')
def inferencer():
    return BoneAgeInferencer(BASELINE, device='cpu', show_progress=False)


@pytest.fixture(scope='module')
def archive(phantom_root, tmp_path_factory):
    """17 phantom radiographs in two folders, a broken file and a text
    file (rows of every status)."""
    root = tmp_path_factory.mktemp('archive')
    (root / 'b').mkdir()
    srcs = (sorted(glob.glob(osp.join(phantom_root, 'train', '*.png')))
            + sorted(glob.glob(osp.join(phantom_root, 'test', '*.png'))))[:17]
    assert len(srcs) == 17
    for k, src in enumerate(srcs):
        sub = 'b/' if k % 3 == 0 else ''
        cv2.imwrite(str(root / f'{sub}img{k:02d}.png'), cv2.imread(src, 0))
    (root / 'broken.png').write_bytes(b'not a png')
    (root / 'notes.txt').write_text('not an image')
    return str(root)


def _reference(inferencer, archive, out):
    rows = inferencer(archive, batch_size=1, sex='F')
    write_rows(rows, out)
    with open(out) as f:
        return f.read()


def test_one_process_writes_what_the_inferencer_returns(inferencer, archive,
                                                        tmp_path):
    ref = _reference(inferencer, archive, str(tmp_path / 'ref.csv'))
    out = str(tmp_path / 'new' / 'res.csv')  # the folder is made
    rows = run_sharded(inferencer, archive, out, batch_size=1, sex='F')
    with open(out) as f:
        assert f.read() == ref
    assert len(rows) == 19 and not glob.glob(out + '.rank*')
    # JSON keeps the types
    out_json = str(tmp_path / 'res.json')
    run_sharded(inferencer, archive, out_json, batch_size=1, sex='F')
    with open(out_json) as f:
        written = json.load(f)
    assert [r['path'] for r in written] == [r['path'] for r in rows]
    assert isinstance(written[1]['pred_age'], float)


def test_two_shards_merge_in_input_order(inferencer, archive, tmp_path):
    """Rank 1 and rank 0 of 2 (the barrier is a no-op: they run one after
    the other here); rank 0's file equals the single-process one."""
    ref = _reference(inferencer, archive, str(tmp_path / 'ref.csv'))
    out = str(tmp_path / 'res.csv')
    assert run_sharded(inferencer, archive, out, 1, rank=1, world_size=2,
                       barrier=lambda: None, sex='F') is None
    part = read_parts(out)
    assert sorted(part) == list(range(1, 19, 2))  # every other input
    rows = run_sharded(inferencer, archive, out, 1, rank=0, world_size=2,
                       barrier=lambda: None, sex='F')
    with open(out) as f:
        assert f.read() == ref
    assert len(rows) == 19
    with pytest.raises(ValueError, match='needs a barrier'):
        run_sharded(inferencer, archive, out, world_size=2)
    # shards are whole batches of the single-process run: with batches of
    # 4 rank 1 takes batches 1 and 3 (inputs 4-7 and 12-15), so that each
    # image is predicted beside the same images as in one process
    out4 = str(tmp_path / 'res4.csv')
    run_sharded(inferencer, archive, out4, 4, rank=1, world_size=2,
                barrier=lambda: None, sex='F')
    assert sorted(read_parts(out4)) == [4, 5, 6, 7, 12, 13, 14, 15]
    rows = run_sharded(inferencer, archive, out4, 4, rank=0, world_size=2,
                       barrier=lambda: None, sex='F')
    assert [r['pred_age'] for r in rows] == \
        [r['pred_age'] for r in inferencer(archive, batch_size=4, sex='F')]


def test_a_killed_run_resumes(inferencer, archive, tmp_path, monkeypatch):
    """The first run dies after 6 batches (and in the middle of writing a
    line); the second runs only what is missing."""
    ref = _reference(inferencer, archive, str(tmp_path / 'ref.csv'))
    out = str(tmp_path / 'res.csv')
    real = inferencer.run_records
    calls = []

    def dies_after_six(records, *args, **kwargs):
        calls.append(len(records))
        for k, rows in enumerate(real(records, *args, **kwargs)):
            if k == 6:
                raise KeyboardInterrupt('killed')
            yield rows

    monkeypatch.setattr(inferencer, 'run_records', dies_after_six)
    with pytest.raises(KeyboardInterrupt):
        run_sharded(inferencer, archive, out, batch_size=1, sex='F')
    assert calls == [18]
    assert not osp.exists(out)
    journal = part_path(out, 0)
    assert sorted(read_parts(out)) == list(range(6))
    with open(journal, 'a') as f:
        f.write('{"index": 6, "row": {"pa')  # cut short by the kill
    assert sorted(read_parts(out)) == list(range(6))
    spy = []
    monkeypatch.setattr(inferencer, 'run_records', lambda records, *a, **k:
                        spy.append(len(records)) or real(records, *a, **k))
    rows = run_sharded(inferencer, archive, out, batch_size=1, sex='F')
    assert spy == [18 - 6]  # 18 images less the 6 done (+ the text file)
    with open(out) as f:
        assert f.read() == ref
    assert [r['path'] for r in rows] == \
        [r['path'] for r in inferencer(archive, sex='F')]


def test_changed_inputs_and_damaged_journals_are_named(inferencer, archive,
                                                       tmp_path):
    out = str(tmp_path / 'res.csv')
    journal = part_path(out, 0)
    with open(journal, 'w') as f:
        f.write(json.dumps(dict(index=0, row=dict(path='/elsewhere/x.png')))
                + '\n')
    with pytest.raises(ValueError, match=r"input 0 as '/elsewhere/x.png', "
                       r"now it is '.*broken.png'"):
        run_sharded(inferencer, archive, out)
    with open(journal, 'w') as f:
        f.write('garbage\n{}\n')
    with pytest.raises(ValueError, match=r'rank0\.part\.jsonl, line 1'):
        read_parts(out)


def test_dist_infer_two_gloo_ranks_and_a_killed_run(inferencer, archive,
                                                    tmp_path):
    """tools/dist_infer.sh with 2 gloo ranks writes the single-process CSV;
    a single-process run killed (SIGKILL) half-way is resumed by 2 ranks
    without a lost or repeated row. Every run draws its pictures (the same
    --show-dir), which makes an image slow enough to kill the run between
    two of them."""
    vis = ['--show-dir', str(tmp_path / 'vis')]
    ckpt = str(tmp_path / 'model.pth')
    torch.save(dict(state_dict=inferencer.model.state_dict(), meta={}), ckpt)
    single = str(tmp_path / 'single.csv')
    run_tool([PYTHON, 'tools/infer.py', BASELINE, ckpt, archive, '--out',
              single, '--sex', 'F', '--batch-size', '1', '--no-progress',
              *vis])
    env = dict(os.environ, PORT=str(29500 + os.getpid() % 1000))
    two = str(tmp_path / 'two.csv')
    proc = run_tool(['bash', 'tools/dist_infer.sh', BASELINE, ckpt, '2',
                     archive, '--out', two, '--sex', 'F', '--batch-size',
                     '1', '--no-progress', *vis], env=env)
    assert 'wrote 19 rows' in proc.stdout
    with open(single) as a, open(two) as b:
        assert a.read() == b.read()
    # kill a run once it has journalled a few rows, then resume with 2
    killed = str(tmp_path / 'killed.csv')
    run = subprocess.Popen(
        [PYTHON, 'tools/infer.py', BASELINE, ckpt, archive, '--out', killed,
         '--sex', 'F', '--batch-size', '1', '--no-progress', *vis], cwd=REPO,
        env=dict(os.environ, PYTHONPATH=REPO), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and run.poll() is None and \
            len(read_parts(killed)) < 5:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    done = len(read_parts(killed))
    assert 5 <= done < 19 and not osp.exists(killed), done
    proc = run_tool(['bash', 'tools/dist_infer.sh', BASELINE, ckpt, '2',
                     archive, '--out', killed, '--sex', 'F', '--batch-size',
                     '1', '--no-progress', *vis], env=env)
    assert f'resuming, {done} of 19 rows' in proc.stdout + proc.stderr
    with open(single) as a, open(killed) as b:
        assert a.read() == b.read()
    assert not glob.glob(killed + '.rank*')
