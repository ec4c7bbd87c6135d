"""The resized PNG cache: format, resume, atomic writes, bad files, lookup."""
import json
import logging
import os
import os.path as osp
import subprocess

import cv2
import numpy as np
import pytest

from baa_mm.datasets import RSNABoneAgeDataset, decode_radiograph
from baa_mm.datasets import image_cache as ic
from baa_mm.datasets.image_cache import (META_NAME, CachedImageResolver,
                                         ImageCacheError, build_cache)
from baa_mm.datasets.label_file import LabelFileError
from conftest import PYTHON, REPO, load_tool, write_rsna_folder
from dicom_files import write_dicom

LONG = 64  # long side of the caches built here


def _area(img: np.ndarray, shape) -> np.ndarray:
    return cv2.resize(img, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def _decode(path) -> np.ndarray:
    with open(path, 'rb') as f:
        return decode_radiograph(f.read(), str(path))


@pytest.fixture
def src(tmp_path):
    """Source folder: 8/16-bit PNG, DICOM, JPEG, a small PNG, a subfolder."""
    root = tmp_path / 'src'
    (root / 'sub').mkdir(parents=True)
    rng = np.random.default_rng(0)
    img8 = (rng.random((150, 100)) * 255).astype(np.uint8)
    cv2.imwrite(str(root / 'a8.png'), img8)
    # 16-bit using the full range: every value 0..65535 in a 256 x 256 grid
    img16 = np.arange(65536, dtype=np.uint16).reshape(256, 256)[:, :200]
    img16 = np.ascontiguousarray(img16)
    cv2.imwrite(str(root / 'sub' / 'b16.png'), img16)
    ramp = np.tile(np.linspace(0, 4095, 120).astype(np.uint16), (90, 1))
    write_dicom(root / 'sub' / 'c.dcm', ramp, photometric='MONOCHROME1',
                window=(2048, 4096))
    cv2.imwrite(str(root / 'd.jpg'), img8[:80])
    cv2.imwrite(str(root / 'small.png'), img8[:40, :30])  # below LONG
    (root / 'notes.txt').write_text('not an image extension')
    return root


def test_round_trip_formats(src, tmp_path):
    cache = tmp_path / 'cache'
    s = build_cache(str(src), str(cache), long_side=LONG, progress=False)
    assert (s['total'], s['converted'], s['skipped'], s['failed'],
            s['ignored']) == (5, 5, 0, [], 1)
    assert s['cache_bytes'] < s['src_bytes']
    meta = json.loads((cache / META_NAME).read_text())
    assert meta['version'] == ic.CACHE_VERSION and meta['long_side'] == LONG
    assert meta['src_dir'] == str(src)
    files = meta['files']
    assert sorted(files) == ['a8.png', 'd.jpg', 'small.png', 'sub/b16.png',
                             'sub/c.dcm']
    e = files['sub/b16.png']
    assert e['ori_shape'] == [256, 200] and e['cache_shape'] == [64, 50]
    assert e['bit_depth'] == 16 and e['cache'] == 'sub/b16.png'
    st = os.stat(src / 'sub' / 'b16.png')
    assert (e['size'], e['mtime_ns']) == (st.st_size, st.st_mtime_ns)
    assert files['sub/c.dcm']['cache'] == 'sub/c.dcm.png'
    assert files['d.jpg']['cache'] == 'd.jpg.png'

    # 8-bit stays 8-bit; long side respected; values = area resize
    a = cv2.imread(str(cache / 'a8.png'), cv2.IMREAD_UNCHANGED)
    assert a.dtype == np.uint8 and a.shape == (64, 43)
    src8 = cv2.imread(str(src / 'a8.png'), cv2.IMREAD_UNCHANGED)
    ref = _area(src8.astype(np.float32) / 255, a.shape) * 255
    assert np.abs(a.astype(np.float32) - ref).max() <= 0.5 + 1e-3

    # 16-bit kept: full range, far more than 256 levels, exact to 1 LSB
    b = cv2.imread(str(cache / 'sub' / 'b16.png'), cv2.IMREAD_UNCHANGED)
    assert b.dtype == np.uint16 and b.shape == (64, 50)
    src16 = cv2.imread(str(src / 'sub' / 'b16.png'), cv2.IMREAD_UNCHANGED)
    ref = _area(src16.astype(np.float32) / 65535, b.shape) * 65535
    assert np.abs(b.astype(np.float64) - ref).max() <= 1.
    assert b.min() < 1000 and b.max() > 64000
    assert len(np.unique(b)) > 1000

    # DICOM: VOI + MONOCHROME1 inversion applied, stored as 16-bit
    c = cv2.imread(str(cache / 'sub' / 'c.dcm.png'), cv2.IMREAD_UNCHANGED)
    assert c.dtype == np.uint16 and c.shape == (48, 64)
    ref = _area(_decode(src / 'sub' / 'c.dcm'), c.shape)
    np.testing.assert_allclose(_decode(cache / 'sub' / 'c.dcm.png'), ref,
                               atol=1e-4)
    assert ref[0, 0] > ref[0, -1]  # MONOCHROME1: low values are bright

    # smaller than long_side: not upscaled, pixel-identical
    small = cv2.imread(str(cache / 'small.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(small, src8[:40, :30])
    assert files['small.png']['cache_shape'] == [40, 30]

    # JPEG (8-bit) -> 8-bit PNG
    d = cv2.imread(str(cache / 'd.jpg.png'), cv2.IMREAD_UNCHANGED)
    assert d.dtype == np.uint8 and d.shape == (51, 64)
    assert not list(cache.rglob('*.partial'))


def test_resolver_lookup_and_scale(src, tmp_path):
    cache = tmp_path / 'cache'
    build_cache(str(src), str(cache), long_side=LONG, progress=False)
    r = CachedImageResolver(str(cache))
    assert len(r) == 5 and r.long_side == LONG
    p = str(src / 'sub' / 'b16.png')
    assert r.resolve(p) == str(cache / 'sub' / 'b16.png')
    hit = r.lookup(p)
    assert hit.cached and hit.ori_shape == (256, 200)
    assert hit.img_shape == (64, 50)
    # (w_scale, h_scale) maps original coordinates to cached ones
    assert r.scale_factor(p) == pytest.approx((50 / 200, 64 / 256))
    box = np.array([20., 40., 180., 240.])  # x1, y1, x2, y2 in the original
    w_s, h_s = r.scale_factor(p)
    np.testing.assert_allclose(box * [w_s, h_s, w_s, h_s],
                               [5., 10., 45., 60.])
    assert r.scale_factor(str(src / 'small.png')) == (1., 1.)
    # a relative source path resolves as well
    rel = osp.relpath(p)
    assert r.resolve(rel) == str(cache / 'sub' / 'b16.png')
    # DICOM maps to its .png
    assert r.resolve(str(src / 'sub' / 'c.dcm')).endswith('c.dcm.png')

    with pytest.raises(ImageCacheError, match='not in the cache'):
        r.resolve(str(src / 'new.png'))
    with pytest.raises(ImageCacheError, match='not under the cache'):
        r.resolve(str(tmp_path / 'elsewhere.png'))
    with pytest.raises(ImageCacheError, match='long_side=64, expected 128'):
        CachedImageResolver(str(cache), long_side=128)
    with pytest.raises(ImageCacheError, match='no cache_meta.json'):
        CachedImageResolver(str(src))
    with pytest.raises(ValueError, match='on_missing'):
        CachedImageResolver(str(cache), on_missing='ignore')


def test_stale_entries_are_never_used_silently(src, tmp_path):
    cache = tmp_path / 'cache'
    build_cache(str(src), str(cache), long_side=LONG, progress=False)
    p = src / 'a8.png'
    # same size, new mtime
    st = os.stat(p)
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    r = CachedImageResolver(str(cache))
    with pytest.raises(ImageCacheError, match='stale.*build_cache.py'):
        r.resolve(str(p))
    fallback = CachedImageResolver(str(cache), on_missing='source')
    with pytest.warns(UserWarning, match='stale'):
        hit = fallback.lookup(str(p))
    assert hit.path == str(p) and not hit.cached
    assert hit.scale_factor == (1., 1.)
    # changed content and size
    cv2.imwrite(str(src / 'small.png'), np.zeros((5, 5), np.uint8))
    with pytest.raises(ImageCacheError, match='size'):
        r.resolve(str(src / 'small.png'))
    # cached file altered or deleted
    with open(cache / 'd.jpg.png', 'ab') as f:
        f.write(b'x')
    with pytest.raises(ImageCacheError, match='modified or truncated'):
        r.resolve(str(src / 'd.jpg'))
    os.remove(cache / 'sub' / 'c.dcm.png')
    with pytest.raises(ImageCacheError, match='missing'):
        r.resolve(str(src / 'sub' / 'c.dcm'))
    # originals gone: only usable with check_source=False
    os.remove(src / 'sub' / 'b16.png')
    with pytest.raises(ImageCacheError, match='source file missing'):
        r.resolve(str(src / 'sub' / 'b16.png'))
    trusting = CachedImageResolver(str(cache), check_source=False)
    assert osp.isfile(trusting.resolve(str(src / 'sub' / 'b16.png')))


def test_resume_skips_fresh_and_redoes_changed(src, tmp_path):
    cache = tmp_path / 'cache'
    build_cache(str(src), str(cache), long_side=LONG, progress=False)
    before = {p: os.stat(p).st_mtime_ns for p in cache.rglob('*.png')}
    s = build_cache(str(src), str(cache), long_side=LONG, progress=False)
    assert (s['converted'], s['skipped'], s['removed']) == (0, 5, 0)
    assert {p: os.stat(p).st_mtime_ns for p in cache.rglob('*.png')} == before

    cv2.imwrite(str(src / 'a8.png'), np.full((200, 10), 7, np.uint8))
    os.remove(src / 'd.jpg')
    s = build_cache(str(src), str(cache), long_side=LONG, progress=False)
    assert (s['converted'], s['skipped'], s['removed']) == (1, 3, 1)
    assert not (cache / 'd.jpg.png').exists()
    a = cv2.imread(str(cache / 'a8.png'), cv2.IMREAD_UNCHANGED)
    assert a.shape == (64, 3) and (a == 7).all()
    r = CachedImageResolver(str(cache))
    assert r.lookup(str(src / 'a8.png')).ori_shape == (200, 10)

    # another long side rebuilds everything
    s = build_cache(str(src), str(cache), long_side=32, progress=False)
    assert (s['converted'], s['skipped']) == (4, 0)
    assert max(CachedImageResolver(str(cache)).lookup(
        str(src / 'sub' / 'b16.png')).img_shape) == 32


def test_interrupted_build_leaves_no_partial_file(src, tmp_path,
                                                  monkeypatch):
    cache = tmp_path / 'cache'
    real_replace = os.replace
    calls = []

    def replace(a, b):  # dies while moving the 3rd image into place
        if not b.endswith(META_NAME):
            calls.append(b)
            if len(calls) == 3:
                raise KeyboardInterrupt
        return real_replace(a, b)

    monkeypatch.setattr(os, 'replace', replace)
    with pytest.raises(KeyboardInterrupt):
        build_cache(str(src), str(cache), long_side=LONG, progress=False,
                    save_interval=1e9)
    monkeypatch.setattr(os, 'replace', real_replace)
    assert not [p for p in cache.rglob('*') if p.name.endswith('.partial')]
    assert not osp.exists(calls[2])  # never half-written under its name
    meta = json.loads((cache / META_NAME).read_text())
    assert len(meta['files']) == 2  # finished work was saved on the way out

    # A SIGKILL can leave a partial file (no cleanup ran) and a file that
    # is not in the meta: the next build removes / rewrites them.
    partial = cache / '.small.png.12345.partial'
    partial.write_bytes(b'half')
    s = build_cache(str(src), str(cache), long_side=LONG, progress=False)
    assert (s['converted'], s['skipped'], s['failed']) == (3, 2, [])
    assert not partial.exists()
    r = CachedImageResolver(str(cache))
    for rel in r.files:
        assert osp.isfile(r.resolve(str(src / rel)))


def test_bad_files_are_reported(src, tmp_path, caplog):
    cache = tmp_path / 'cache'
    build_cache(str(src), str(cache), long_side=LONG, progress=False)
    (src / 'text.png').write_text('not a png')
    (src / 'empty.png').write_bytes(b'')
    good = (src / 'a8.png').read_bytes()
    (src / 'sub' / 'trunc.png').write_bytes(good[:len(good) // 3])
    p = write_dicom(src / 'nopix.dcm', np.zeros((4, 4), np.uint16))
    import pydicom
    ds = pydicom.dcmread(p)
    del ds.PixelData
    ds.save_as(p)
    # a file that was cached and has since become corrupt
    (src / 'small.png').write_bytes(b'\x89PNG garbage')
    with caplog.at_level(logging.WARNING):
        s = build_cache(str(src), str(cache), long_side=LONG,
                        progress=False)
    reasons = {f['path']: f['reason'] for f in s['failed']}
    assert sorted(reasons) == ['empty.png', 'nopix.dcm', 'small.png',
                               'sub/trunc.png', 'text.png']
    assert 'empty image file' in reasons['empty.png']
    assert 'no pixel data' in reasons['nopix.dcm']
    assert 'not a readable image' in reasons['text.png']
    for rel in reasons:
        assert f'cannot cache {src / rel}' in caplog.text
    assert (s['converted'], s['skipped']) == (0, 4)
    # the stale cache of the corrupted file is gone, lookups fail clearly
    assert not (cache / 'small.png').exists()
    with pytest.raises(ImageCacheError, match='failed to convert'):
        CachedImageResolver(str(cache)).resolve(str(src / 'small.png'))


def test_workers_give_the_same_cache(src, tmp_path):
    s0 = build_cache(str(src), str(tmp_path / 'c0'), long_side=LONG,
                     progress=False)
    s2 = build_cache(str(src), str(tmp_path / 'c2'), long_side=LONG,
                     num_workers=2, progress=False)
    assert s2['converted'] == s0['converted'] == 5
    for rel in CachedImageResolver(str(tmp_path / 'c0')).files:
        crel = ic.cache_rel_path(rel)
        assert (tmp_path / 'c0' / crel).read_bytes() == \
            (tmp_path / 'c2' / crel).read_bytes()


def test_build_arguments(src, tmp_path):
    with pytest.raises(ValueError, match='must differ'):
        build_cache(str(src), str(src), progress=False)
    with pytest.raises(ValueError, match='long_side'):
        build_cache(str(src), str(tmp_path / 'c'), long_side=0)
    with pytest.raises(FileNotFoundError):
        build_cache(str(tmp_path / 'nope'), str(tmp_path / 'c'))
    # a cache inside the source folder is not scanned as a source
    s = build_cache(str(src), str(src / 'cache'), long_side=LONG,
                    progress=False)
    s = build_cache(str(src), str(src / 'cache'), long_side=LONG,
                    progress=False)
    assert (s['total'], s['skipped']) == (5, 5)


def _cli(*args):
    return subprocess.run(
        [PYTHON, osp.join(REPO, 'tools', 'dataset_converters',
                          'build_cache.py'), *map(str, args)],
        capture_output=True, text=True, timeout=120)


def test_cli(src, tmp_path):
    out = _cli(src, tmp_path / 'cache', '--long-side', LONG, '--no-progress')
    assert out.returncode == 0, out.stderr
    assert '5 converted, 0 up to date (skipped), 0 failed' in out.stdout
    assert 'MiB' in out.stdout
    (src / 'broken.png').write_bytes(b'nope')
    out = _cli(src, tmp_path / 'cache', '--long-side', LONG)
    assert out.returncode == 1
    assert '0 converted, 5 up to date (skipped), 1 failed' in out.stdout
    assert '5/6' in out.stdout or '6/6' in out.stdout  # progress bar
    assert 'FAILED (1 files' in out.stderr
    assert 'broken.png: not a readable image' in out.stderr
    out = _cli(tmp_path / 'missing', tmp_path / 'c2')
    assert out.returncode == 2 and 'not found' in out.stderr


def test_cache_modules_do_not_import_torch():
    """The cache code itself is numpy/OpenCV only: imported with stand-ins
    for its parent packages (whose ``__init__`` import torch), it pulls in
    neither torch nor mmengine."""
    code = ('import sys, types\n'
            'for name in ("baa_mm", "baa_mm.datasets"):\n'
            '    pkg = types.ModuleType(name)\n'
            '    pkg.__path__ = [name.replace(".", "/")]\n'
            '    sys.modules[name] = pkg\n'
            'from baa_mm.datasets.image_cache import build_cache\n'
            'assert callable(build_cache)\n'
            'assert "torch" not in sys.modules, "torch imported"\n'
            'assert "mmengine" not in sys.modules, "mmengine imported"\n')
    out = subprocess.run([PYTHON, '-c', code], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_cli_help_uses_the_package():
    """The tool imports the cache from the installed package, so it runs
    from any working directory (no sys.path edit, no file-path loading)."""
    out = subprocess.run(
        [PYTHON, osp.join(REPO, 'tools', 'dataset_converters',
                          'build_cache.py'), '--help'],
        cwd='/', capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert '--long-side' in out.stdout


# ----------------------------------------------------------------------------
# Dataset integration (the change proposed for RSNABoneAgeDataset)
# ----------------------------------------------------------------------------
def test_scale_coords():
    assert ic.scale_coords(None, (0.5, 0.25)) is None
    assert ic.scale_coords([10, 20, 30, 40], (0.5, 0.25)) == [5, 5, 15, 10]
    assert ic.scale_coords([[2, 4, 6, 8], (1, 1)], (0.5, 0.25)) == \
        [[1, 1, 3, 2], [0.5, 0.25]]
    arr = ic.scale_coords(np.array([[10, 20, 30, 40]]), (0.5, 0.25))
    np.testing.assert_allclose(arr, [[5, 5, 15, 10]])
    assert arr.dtype == np.float32


def _check_cached_dataset(cls, root):
    build_cache(osp.join(root, 'train'), osp.join(root, 'cache', 'train'),
                long_side=32, progress=False)
    kw = dict(ann_file='train.csv', data_root=root,
              data_prefix=dict(img_path='train'),
              pipeline=[dict(type='LoadRadiograph')])
    ds = cls(img_cache=dict(cache_dir='cache/train'), **kw)
    info = ds.get_data_info(0)
    assert info['ori_img_path'] == osp.join(root, 'train', '1000.png')
    assert info['img_path'] == osp.join(root, 'cache', 'train', '1000.png')
    assert info['cache_scale'] == pytest.approx((0.5, 0.5))
    assert ds[0]['img'].shape == (32, 32)
    ref = RSNABoneAgeDataset(**kw)[0]['img']
    # 8-bit source: the cache is the area resize rounded to 8 bits
    np.testing.assert_allclose(ds[0]['img'], _area(ref, (32, 32)),
                               atol=0.5 / 255 + 1e-6)
    assert cls(**kw).get_data_info(0)['img_path'] == \
        osp.join(root, 'train', '1000.png')  # no cache: unchanged

    # a changed source: 'raise' names it, 'skip' drops the row
    stale = osp.join(root, 'train', '1003.png')
    st = os.stat(stale)
    os.utime(stale, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with pytest.raises(LabelFileError, match='1003.png: stale'):
        cls(img_cache=dict(cache_dir='cache/train'), **kw)
    ds = cls(img_cache=dict(cache_dir='cache/train'), on_bad_sample='skip',
             **kw)
    assert len(ds) == 11
    assert '1003' not in {ds.get_data_info(i)['img_id'] for i in range(11)}


def test_dataset_integration_scales_hand_annotations(tmp_path):
    root = str(tmp_path)
    write_rsna_folder(root, n=3, size=64)
    build_cache(osp.join(root, 'train'), osp.join(root, 'cache'),
                long_side=32, progress=False)
    coco = dict(images=[dict(id=1, file_name='1000.png', width=64,
                             height=64)],
                annotations=[dict(id=1, image_id=1, category_id=1,
                                  bbox=[8., 4., 48., 56.],
                                  segmentation=[[8., 4., 56., 4., 56., 60.]])],
                categories=[dict(id=1, name='hand')])
    with open(osp.join(root, 'hands.json'), 'w') as f:
        json.dump(coco, f)
    ds = RSNABoneAgeDataset(ann_file='train.csv', data_root=root,
                            data_prefix=dict(img_path='train'),
                            hand_ann_file='hands.json',
                            img_cache=dict(cache_dir='cache'))
    info = ds.get_data_info(0)
    assert info['hand_bbox'] == [4., 2., 28., 30.]
    assert info['hand_polygons'] == [[4., 2., 28., 2., 28., 30.]]


def test_dataset_integration(tmp_path):
    write_rsna_folder(str(tmp_path), n=12, size=64)
    _check_cached_dataset(RSNABoneAgeDataset, str(tmp_path))


def test_benchmark_tool_runs(src, tmp_path, capsys):
    bench = load_tool('tools/analysis_tools/benchmark_cache.py')
    threads = cv2.getNumThreads()
    try:
        res = bench.main(['--src', str(src), '--cache', str(tmp_path / 'c'),
                          '--long-side', str(LONG), '--target', '32',
                          '--passes', '1'])
    finally:
        cv2.setNumThreads(threads)  # the tool sets it for its process
    assert res['raw']['total_ips'] > 0 and res['cache']['total_ips'] > 0
    assert res['peak_mib'] > 0
    out = capsys.readouterr().out
    assert 'speed-up (cache / raw)' in out and 'peak resident memory' in out
