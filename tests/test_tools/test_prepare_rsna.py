"""tools/dataset_converters/prepare_rsna.py on tiny downloads in both
layouts: a clean copy passes and writes what the configs read, a damaged
one has every problem listed and exits 1."""
import json
import os
import os.path as osp
import shutil
import subprocess

import pytest

from baa_mm.datasets import RSNABoneAgeDataset
from baa_mm.utils import register_all_modules
from conftest import PYTHON, REPO, load_tool
from rsna_download import (FLAT_ID, TEST_GT, VAL, write_dicom, write_image,
                           write_kaggle, write_release)

TOOL = 'tools/dataset_converters/prepare_rsna.py'
prepare = load_tool(TOOL)


@pytest.fixture(scope='module')
def release(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('release'))
    write_release(root)
    return root


def _copy(src, tmp_path):
    dst = str(tmp_path / 'rsna')
    shutil.copytree(src, dst)
    return dst


def test_clean_release_passes(release, capsys):
    assert prepare.main([release, '--check-only', '--decode',
                         '--no-progress']) == 0
    out = capsys.readouterr().out
    assert 'RSNA Bone Age, release layout' in out
    assert '[train] train.csv: 6 rows, sha256 ' in out
    assert '[validation] 4 images in ' in out and '0 problem(s)' in out
    # the test ground truth: file, rows and the full checksum
    sha = prepare.sha256(osp.join(release, TEST_GT))
    assert f'[test] {TEST_GT}: 3 rows, sha256 {sha}' in out
    assert 'two versions of the official test ground truth' in out
    assert 'all checks passed' in out
    assert not osp.exists(osp.join(release, 'annotations'))  # wrote nothing


def test_damaged_copy_lists_every_problem(release, tmp_path, capsys):
    root = _copy(release, tmp_path)
    train = osp.join(root, 'boneage-training-dataset')
    os.remove(osp.join(train, '1378.png'))  # missing image
    extra = write_image(osp.join(root, 'boneage-test-dataset', '4999.png'),
                        '4999')  # image without a label row
    trunc = osp.join(root, VAL, 'boneage-validation-dataset-2',
                     'boneage-validation-dataset-2', '1390.png')
    data = open(trunc, 'rb').read()
    open(trunc, 'wb').write(data[:len(data) // 2])  # truncated PNG
    # mixed extensions: a second file of 1377, 1380 as DICOM, a text file
    jpg = write_image(osp.join(train, '1377.jpg'), '1377')
    os.remove(osp.join(train, '1380.png'))
    dcm = write_dicom(osp.join(train, '1380.dcm'), '1380')
    open(osp.join(train, 'notes.txt'), 'w').write('x')
    with open(osp.join(root, VAL, 'Validation Dataset.csv'), 'a') as f:
        f.write('1381,TRUE,50\n')  # a training id in the validation set
    assert prepare.main([root, '--no-progress', '--hand-masks']) == 1
    out = capsys.readouterr().out
    csv_file = osp.join(root, 'train.csv')
    expected = [
        f"[train] {csv_file}, line 3: no image for id '1378' (any image "
        f"extension) in ['{train}'] (recursive search)",
        f"[train] {csv_file}, line 2: image id '1377' matches 2 files: "
        f"{jpg}, {osp.join(train, '1377.png')}",
        f"[train] {dcm}: not .png, which the configs read",
        f'[train] not an image file: {osp.join(train, "notes.txt")}',
        f'truncated PNG file (no IEND chunk): {trunc}',
        f'[test] image without a label row in {TEST_GT}: {extra}',
        f"{VAL}/Validation Dataset.csv, line 6: no image for id '1381'",
        f'[train/validation] 1 id(s) in both train.csv and {VAL}/'
        'Validation Dataset.csv: 1381',
    ]
    for msg in expected:
        assert msg in out, msg
    assert '[train] 4 images in boneage-training-dataset' in out
    assert '8 problem(s): fix them before training; nothing written' in out
    assert not osp.exists(osp.join(root, 'annotations'))
    # with img_suffix='auto' the DICOM is fine, the rest is not
    assert prepare.main([root, '--check-only', '--img-suffix', 'auto',
                         '--no-progress']) == 1
    out = capsys.readouterr().out
    assert 'not .png' not in out and '7 problem(s)' in out


def test_decode_finds_damage_inside_a_file(release, tmp_path, capsys):
    root = _copy(release, tmp_path)
    path = osp.join(root, 'boneage-test-dataset', '4361.png')
    data = bytearray(open(path, 'rb').read())
    data[40:-20] = b'\0' * (len(data) - 60)  # header and IEND intact
    open(path, 'wb').write(bytes(data))
    assert prepare.main([root, '--check-only', '--no-progress']) == 0
    capsys.readouterr()
    assert prepare.main([root, '--check-only', '--decode',
                         '--no-progress']) == 1
    out = capsys.readouterr().out
    assert f'{path}: not a readable image' in out and '1 problem(s)' in out


def test_missing_parts_are_problems(release, tmp_path, capsys):
    root = _copy(release, tmp_path)
    shutil.rmtree(osp.join(root, VAL, 'boneage-validation-dataset-2'))
    os.remove(osp.join(root, TEST_GT))
    open(osp.join(root, 'train.csv'), 'w').write('name,years\n1377,9\n')
    assert prepare.main([root, '--check-only', '--no-progress']) == 1
    out = capsys.readouterr().out
    assert ('[train] ' + osp.join(root, 'train.csv') + ': cannot find the '
            'id/age column(s)') in out
    assert ('  [validation] image folder not found: '
            f'{osp.join(root, VAL, "boneage-validation-dataset-2")}') in out
    # its images are then rows without an image
    assert "no image for id '1390'" in out and "id '1391'" in out
    assert f'  [test] label file not found: {osp.join(root, TEST_GT)}' in out
    assert '5 problem(s)' in out


def test_writes_masks_and_caches_the_configs_read(release, tmp_path,
                                                  capsys):
    root = _copy(release, tmp_path)
    assert prepare.main([root, '--hand-masks', '--cache', '32',
                         '--no-progress']) == 0
    out = capsys.readouterr().out
    masks = osp.join(root, 'annotations', 'train_pseudo_hand_masks.json')
    assert f'[train] hand masks -> {masks}: 5 images masked, 1 without a ' \
        'mask, 0 unreadable' in out
    coco = json.load(open(masks))
    assert [n['file'] for n in coco['info']['no_mask']] == [f'{FLAT_ID}.png']
    assert "'missing_hand': 'skip'" in out
    # the printed settings load: the unmasked image is left out, the
    # hands are scaled to the 32 px cache
    register_all_modules()
    ds = RSNABoneAgeDataset(
        data_root=root, ann_file='train.csv',
        data_prefix=dict(img_path='boneage-training-dataset'),
        img_search='recursive',
        hand_ann_file='annotations/train_pseudo_hand_masks.json',
        missing_hand='skip', img_cache=dict(cache_dir='cache32/train'),
        pipeline=[dict(type='LoadRadiograph'),
                  dict(type='LoadHandInstances', require=True),
                  dict(type='PackBoneAgeInputs')])
    assert len(ds) == 5 and ds.without_hand == [FLAT_ID]
    item = ds[0]
    assert item['inputs'].shape == (1, 32, 32)
    assert item['data_samples'].gt_instances.bboxes.tensor.max() <= 32
    val = RSNABoneAgeDataset(
        data_root=root, ann_file=f'{VAL}/Validation Dataset.csv',
        data_prefix=dict(img_path=[f'{VAL}/boneage-validation-dataset-1',
                                   f'{VAL}/boneage-validation-dataset-2']),
        img_search='recursive', img_cache=dict(cache_dir='cache32/validation'))
    assert len(val) == 4 and val.get_data_info(3)['img_path'].startswith(
        osp.join(root, 'cache32', 'validation'))


def test_kaggle_layout(tmp_path, capsys):
    root = str(tmp_path)
    write_kaggle(root)
    assert prepare.main([root, '--check-only', '--no-progress']) == 0
    out = capsys.readouterr().out
    assert 'RSNA Bone Age, kaggle layout' in out
    assert ('[test] boneage-test-dataset.csv: 3 rows (no ages: cannot be '
            'evaluated)') in out
    assert '[test] 3 images in boneage-test-dataset' in out
    assert "test: no ages in boneage-test-dataset.csv" in out
    # a missing test image of the id-only list is still found
    os.remove(osp.join(root, 'boneage-test-dataset', 'boneage-test-dataset',
                       '4361.png'))
    assert prepare.main([root, '--check-only', '--no-progress']) == 1
    assert "line 3: no image for id '4361'" in capsys.readouterr().out


def _cli(*args):
    return subprocess.run([PYTHON, TOOL, *args], cwd=REPO, text=True,
                          capture_output=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=REPO))


def test_cli_exit_codes(tmp_path, release):
    proc = _cli(str(tmp_path), '--check-only')
    assert proc.returncode == 2
    assert 'not an RSNA Bone Age download' in proc.stderr
    proc = _cli(release, '--check-only', '--hand-masks')
    assert proc.returncode == 2
    assert '--check-only writes nothing' in proc.stderr
    proc = _cli(release, '--check-only', '--layout', 'kaggle')
    assert proc.returncode == 1  # the Kaggle files are not there
    assert 'label file not found' in proc.stdout
