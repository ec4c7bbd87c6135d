"""A folder with every kind of broken input: each is named, none silent."""
import os.path as osp
import subprocess

import cv2
import numpy as np

from conftest import PYTHON, REPO

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'validate_dataset.py')


def _broken_folder(root):
    img = root / 'img'
    img.mkdir()
    good = np.tile(np.arange(64, dtype=np.uint8), (64, 1))
    for i in ('ok1', 'ok2', 'dup', 'nan', 'neg', 'old', 'sex', 'middle'):
        cv2.imwrite(str(img / f'{i}.png'), good)
    (img / 'empty.png').write_bytes(b'')
    (img / 'text.png').write_text('I am not an image')
    data = (img / 'ok1.png').read_bytes()
    (img / 'cut.png').write_bytes(data[:len(data) // 2])
    # damage inside the file: header and IEND intact, IDAT corrupted
    mid = bytearray(data)
    start = data.index(b'IDAT') + 8
    mid[start:start + 40] = b'\x00' * 40
    (img / 'middle.png').write_bytes(bytes(mid))
    (root / 'labels.csv').write_text(
        'id,boneage,male\n'
        'ok1,100,True\n'
        'ok2,50,F\n'
        'dup,10,M\n'
        'dup,11,M\n'
        'nan,nan,M\n'
        'neg,-3,M\n'
        'old,400,M\n'
        'sex,100,unknown\n'
        'missing,100,M\n'
        'empty,100,M\n'
        'text,100,M\n'
        'cut,100,M\n'
        'middle,100,M\n')


def test_every_broken_input_is_reported(tmp_path):
    _broken_folder(tmp_path)
    proc = subprocess.run(
        [PYTHON, TOOL, str(tmp_path / 'labels.csv'), str(tmp_path / 'img'),
         '--decode'], capture_output=True, text=True, cwd=REPO)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    expected = [
        "line 5: duplicate image id 'dup' (first on line 4)",
        'line 6: missing or non-numeric age',
        'line 7: negative age -3.0',
        'line 8: implausible age 400.0 > max_age=240.0 months',
        "line 9: unknown sex value 'unknown'",
        'line 10: image file not found: ', 'line 11: empty image file: ',
        'line 12: not an image file', 'line 13: truncated PNG file',
        'middle.png: not a readable image',
    ]
    for text in expected:
        assert text in out, f'{text!r} not reported:\n{out}'
    assert '13 rows, 10 bad, 3 ok' in out


def test_clean_folder_passes(tmp_path):
    (tmp_path / 'img').mkdir()
    cv2.imwrite(str(tmp_path / 'img' / 'a.png'), np.zeros((8, 8), np.uint8))
    (tmp_path / 'l.csv').write_text('id,boneage,male\na,10,True\n')
    proc = subprocess.run([PYTHON, TOOL, str(tmp_path / 'l.csv'),
                           str(tmp_path / 'img'), '--decode'],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0 and '1 rows, 0 bad, 1 ok' in proc.stdout


def test_several_folders_suffixes_and_recursive_search(tmp_path):
    """The RSNA validation layout: two folders, unpacked one level deeper,
    PNG and JPEG mixed; an id in both folders and an id in neither are
    reported by name, the rest pass."""
    img = np.tile(np.arange(32, dtype=np.uint8), (32, 1))
    d1, d2 = tmp_path / 'set-1' / 'set-1', tmp_path / 'set-2' / 'set-2'
    d1.mkdir(parents=True)
    d2.mkdir(parents=True)
    cv2.imwrite(str(d1 / 'a.png'), img)
    cv2.imwrite(str(d2 / 'b.jpg'), img)
    cv2.imwrite(str(d1 / 'twice.png'), img)
    cv2.imwrite(str(d2 / 'twice.png'), img)
    (tmp_path / 'l.csv').write_text(
        'id,boneage,male\na,10,True\nb,20,False\ntwice,30,M\ngone,40,F\n')
    args = [PYTHON, TOOL, str(tmp_path / 'l.csv'), str(tmp_path / 'set-1'),
            str(tmp_path / 'set-2'), '--img-suffix', 'auto']
    flat = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    # flat search: nothing is directly in the listed folders, and the tool
    # says so for every row, naming the folders and the search mode
    assert flat.returncode == 1, flat.stdout + flat.stderr
    assert 'no valid rows left (all 4 skipped' in flat.stdout
    for i in ('a', 'b', 'twice', 'gone'):
        assert f"no image for id '{i}' (any image extension)" in flat.stdout
    assert '(flat search)' in flat.stdout
    proc = subprocess.run(args + ['--img-search', 'recursive', '--decode'],
                          capture_output=True, text=True, cwd=REPO)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "image id 'twice' matches 2 files" in out, out
    assert "no image for id 'gone'" in out, out
    assert '4 rows, 2 bad, 2 ok' in out, out
