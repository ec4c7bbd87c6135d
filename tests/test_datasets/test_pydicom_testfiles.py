"""``decode_radiograph`` on the DICOM test files shipped inside pydicom.

The files are read from the installed package's ``data/test_files`` folder
only (nothing is downloaded). Each file must either decode to a finite
``(H, W)`` float32 image in [0, 1] or raise an error whose message names the
file. Files over ``MAX_BYTES`` are skipped to keep the test fast (pydicom
3.0 ships none that large; the whole scan takes well under a second).
"""
import glob
import os
import os.path as osp
import warnings
from typing import Dict, List, NamedTuple, Optional

import numpy as np
import pydicom
import pytest

from baa_mm.datasets import decode_radiograph, is_dicom

TEST_FILES = osp.join(osp.dirname(pydicom.__file__), 'data', 'test_files')
MAX_BYTES = 2 * 1024 * 1024  # larger files are skipped (time limit)
JPEG_LS = ('1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81')
JPEG_2000 = ('1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91')


class Outcome(NamedTuple):
    """What decoding one shipped file gave."""
    name: str  # path relative to TEST_FILES
    tsyntax: Optional[str]
    image: Optional[np.ndarray]
    error: Optional[BaseException]


def _dicom_files() -> List[str]:
    if not osp.isdir(TEST_FILES):
        pytest.skip(f'pydicom ships no test files folder at {TEST_FILES} '
                    '(stripped install); nothing to decode')
    files = []
    for p in sorted(glob.glob(osp.join(TEST_FILES, '**', '*'),
                              recursive=True)):
        if not osp.isfile(p) or osp.getsize(p) > MAX_BYTES:
            continue
        with open(p, 'rb') as f:
            head = f.read(132)
        if is_dicom(head) or p.lower().endswith('.dcm'):
            files.append(p)
    if not files:
        pytest.skip(f'no DICOM files in {TEST_FILES}')
    return files


def _tsyntax(path: str) -> Optional[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        uid = ds.file_meta.get('TransferSyntaxUID')
        return str(uid) if uid else None
    except Exception:
        return None


@pytest.fixture(scope='module')
def outcomes() -> List[Outcome]:
    out = []
    for p in _dicom_files():
        with open(p, 'rb') as f:
            data = f.read()
        img, err = None, None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')  # multi-frame etc.
                img = decode_radiograph(data, p)
        except Exception as e:  # checked below: must name the file
            err = e
        out.append(Outcome(osp.relpath(p, TEST_FILES), _tsyntax(p), img, err))
    return out


def _counts(outcomes: List[Outcome]) -> Dict[str, int]:
    ok = sum(o.error is None for o in outcomes)
    return dict(files=len(outcomes), decoded=ok, errored=len(outcomes) - ok)


def test_each_file_decodes_or_names_itself(outcomes):
    counts = _counts(outcomes)
    print(f'\npydicom test files: {counts}')
    problems = []
    for o in outcomes:
        if o.error is not None:
            if osp.basename(o.name) not in str(o.error):
                problems.append(f'{o.name}: error does not name the file: '
                                f'{type(o.error).__name__}: {o.error}')
            continue
        img = o.image
        if not (isinstance(img, np.ndarray) and img.ndim == 2
                and img.dtype == np.float32 and img.size > 0):
            problems.append(f'{o.name}: not a 2-D float32 image: '
                            f'{getattr(img, "shape", None)} '
                            f'{getattr(img, "dtype", type(img))}')
        elif not np.isfinite(img).all():
            problems.append(f'{o.name}: non-finite pixels')
        elif img.min() < 0 or img.max() > 1:
            problems.append(f'{o.name}: range [{img.min()}, {img.max()}]')
    assert not problems, f'{counts}:\n' + '\n'.join(problems)
    assert counts['decoded'] > 0, counts


def _decoded(outcomes, uids) -> List[str]:
    return [o.name for o in outcomes
            if o.tsyntax in uids and o.error is None]


def test_jpeg_ls_decodes_with_plugin(outcomes):
    pytest.importorskip('pylibjpeg')
    pytest.importorskip('libjpeg')  # pylibjpeg-libjpeg
    names = _decoded(outcomes, JPEG_LS)
    assert names, f'no JPEG-LS file decoded ({_counts(outcomes)})'


def test_jpeg_2000_decodes_with_plugin(outcomes):
    pytest.importorskip('pylibjpeg')
    pytest.importorskip('openjpeg')  # pylibjpeg-openjpeg
    names = _decoded(outcomes, JPEG_2000)
    assert names, f'no JPEG 2000 file decoded ({_counts(outcomes)})'


@pytest.mark.parametrize('name, plugin', [
    ('MR_small_jpeg_ls_lossless.dcm', 'libjpeg'),
    ('MR_small_jp2klossless.dcm', 'openjpeg'),
    ('MR_small_RLE.dcm', 'rle'),
])
def test_lossless_matches_uncompressed(outcomes, name, plugin):
    pytest.importorskip(plugin)
    by_name = {o.name: o for o in outcomes}
    if name not in by_name or 'MR_small.dcm' not in by_name:
        pytest.skip(f'{name} or MR_small.dcm not shipped with this pydicom')
    ref, got = by_name['MR_small.dcm'], by_name[name]
    assert ref.error is None and got.error is None, (ref.error, got.error)
    np.testing.assert_allclose(got.image, ref.image, atol=1e-6)


class _NoDecoder:
    is_available = False
    missing_dependencies = ['pylibjpeg - requires pylibjpeg>=2.0 and '
                            'pylibjpeg-libjpeg>=2.1']


def _jpeg_ls_file() -> str:
    path = osp.join(TEST_FILES, 'MR_small_jpeg_ls_lossless.dcm')
    if not osp.isfile(path):
        pytest.skip(f'{path} not shipped with this pydicom')
    return path


def test_missing_decoder_error_names_file_syntax_and_fix(monkeypatch):
    path = _jpeg_ls_file()
    import pydicom.pixels
    monkeypatch.setattr(pydicom.pixels, 'get_decoder',
                        lambda uid: _NoDecoder())
    with pytest.raises(ValueError) as info:
        decode_radiograph(open(path, 'rb').read(), path)
    msg = str(info.value)
    assert msg.startswith(path)
    assert 'JPEG-LS Lossless Image Compression' in msg
    assert '1.2.840.10008.1.2.4.80' in msg
    assert 'pip install pylibjpeg' in msg and 'pylibjpeg-libjpeg' in msg


def test_unsupported_syntax_error(monkeypatch):
    path = _jpeg_ls_file()
    import pydicom.pixels

    def no_decoder(uid):
        raise NotImplementedError(f'No pixel data decoders for {uid}')

    monkeypatch.setattr(pydicom.pixels, 'get_decoder', no_decoder)
    with pytest.raises(ValueError, match='no pixel data decoder for transfer'
                       ' syntax JPEG-LS') as info:
        decode_radiograph(open(path, 'rb').read(), path)
    assert str(info.value).startswith(path)
    assert os.path.basename(path) in str(info.value)
