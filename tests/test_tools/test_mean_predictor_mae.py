"""tools/analysis_tools/mean_predictor_mae.py: the MAE of always predicting
the training mean, on a tiny data set with hand-picked ages."""
import os
import os.path as osp
import re
import shutil

import cv2
import numpy as np
import pytest

from conftest import PYTHON, REPO, run_tool

TOOL = 'tools/analysis_tools/mean_predictor_mae.py'
# an rsna100 config: train.csv / train/, val.csv / val/ (its test split is
# val)
CONFIG = 'configs/baseline/baseline_r18_1xb64-20e_rsna100-128px.py'


def _write_split(root, split, header, rows):
    img_dir = osp.join(root, split)
    os.makedirs(img_dir, exist_ok=True)
    for row in rows:
        cv2.imwrite(osp.join(img_dir, f'{row[0]}.png'),
                    np.full((8, 8), 100, np.uint8))
    with open(osp.join(root, f'{split}.csv'), 'w') as f:
        f.write(header + '\n')
        f.write(''.join(','.join(map(str, r)) + '\n' for r in rows))


@pytest.fixture
def tiny_root(tmp_path):
    root = str(tmp_path / 'rsna')
    # train mean (60 + 120 + 190) / 3 = 123.333...
    _write_split(root, 'train', 'id,boneage,male',
                 [(1, 60, 'True'), (2, 120, 'False'), (3, 190, 'True')])
    # val (RSNA validation layout): |100 - 123.33| = 23.33,
    # |150 - 123.33| = 26.67, |123 - 123.33| = 0.33 -> MAE 50.33 / 3
    _write_split(root, 'val', 'Image ID,male,Bone Age (months)',
                 [(11, 'TRUE', 100), (12, 'FALSE', 150), (13, 'TRUE', 123)])
    return root


def _parse(stdout):
    m = re.search(r'train mean ([\d.]+) over (\d+) images; mean-predictor '
                  r'MAE on (\S+) \((\d+) images\): ([\d.]+)', stdout)
    assert m, stdout
    mean, n_train, split, n_eval, mae = m.groups()
    return float(mean), int(n_train), split, int(n_eval), float(mae)


def test_printed_mae_is_the_hand_computed_one(tiny_root):
    proc = run_tool([PYTHON, TOOL, CONFIG, '--data-root', tiny_root])
    mean, n_train, split, n_eval, mae = _parse(proc.stdout)
    train_mean = (60 + 120 + 190) / 3
    expected = (abs(100 - train_mean) + abs(150 - train_mean) +
                abs(123 - train_mean)) / 3
    # this config's test loader reads val.csv (rsna100 has no test split)
    assert (n_train, split, n_eval) == (3, 'val.csv', 3)
    assert mean == pytest.approx(train_mean, abs=0.005)
    assert mae == pytest.approx(expected, abs=0.005)
    assert proc.stdout.strip().endswith(f'{expected:.2f}')
    assert f'{expected:.2f}' == '16.78'


def test_val_split_option(tiny_root, tmp_path):
    # make the test split differ from val to see which split is read
    root = str(tmp_path / 'two')
    shutil.copytree(tiny_root, root)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(
        f"_base_ = ['{osp.join(REPO, CONFIG)}']\n"
        "test_dataloader = dict(dataset=dict(ann_file='train.csv', "
        "data_prefix=dict(img_path='train'), test_mode=True))\n"
        # val.csv as the val split (the config selects on a train holdout)
        "val_dataloader = dict(dataset=dict(ann_file='val.csv', "
        "data_prefix=dict(img_path='val'), id_subset=None))\n")
    proc = run_tool([PYTHON, TOOL, str(cfg), '--data-root', root,
                     '--split', 'test_dataloader'])
    _, _, split, n_eval, mae = _parse(proc.stdout)
    m = (60 + 120 + 190) / 3
    # the printed name is the file evaluated, not the loader's name
    assert (split, n_eval) == ('train.csv', 3)
    assert mae == pytest.approx((abs(60 - m) + abs(120 - m) + abs(190 - m))
                                / 3, abs=0.005)
    proc = run_tool([PYTHON, TOOL, str(cfg), '--data-root', root,
                     '--split', 'val_dataloader'])
    _, _, split, _, mae = _parse(proc.stdout)
    assert split == 'val.csv' and mae == pytest.approx(16.78, abs=0.005)
