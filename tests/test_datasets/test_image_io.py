"""Each image format decodes to (H, W) float32 in [0, 1], bone bright."""
import cv2
import numpy as np
import pytest

from baa_mm.datasets import decode_radiograph, is_dicom
from baa_mm.registry import TRANSFORMS
from dicom_files import write_dicom  # tests/ helper


RAMP = np.tile(np.arange(0, 4096, 64, dtype=np.uint16), (8, 1))  # (8, 64)


def _load(path, **kw):
    t = TRANSFORMS.build(dict(type='LoadRadiograph', **kw))
    out = t(dict(img_path=str(path)))
    img = out['img']
    assert img.dtype == np.float32 and img.ndim == 2
    assert out['ori_shape'] == img.shape
    assert 0. <= img.min() and img.max() <= 1.
    return img


def test_png_8_and_16_bit_and_rgba(tmp_path):
    img8 = (np.arange(256, dtype=np.uint8)[None].repeat(4, 0))
    cv2.imwrite(str(tmp_path / 'a.png'), img8)
    out = _load(tmp_path / 'a.png')
    assert out[0, 255] == 1. and out[0, 0] == 0.
    np.testing.assert_allclose(out, img8 / 255., atol=1e-6)

    img16 = (RAMP.astype(np.uint32) * 16).astype(np.uint16)  # 0..65520
    cv2.imwrite(str(tmp_path / 'b.png'), img16)
    np.testing.assert_allclose(_load(tmp_path / 'b.png'), img16 / 65535.,
                               atol=1e-6)
    # 12-bit data in a 16-bit PNG: 'minmax' spreads it over [0, 1]
    cv2.imwrite(str(tmp_path / 'c.png'), RAMP)
    assert _load(tmp_path / 'c.png').max() < 0.07
    mm = _load(tmp_path / 'c.png', normalize='minmax')
    assert mm.min() == 0. and mm.max() == 1.

    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., :3] = 200
    rgba[..., 3] = 0  # fully transparent: alpha is ignored
    cv2.imwrite(str(tmp_path / 'd.png'), rgba)
    np.testing.assert_allclose(_load(tmp_path / 'd.png'), 200 / 255.,
                               atol=1e-6)


def test_jpeg(tmp_path):
    img = np.full((16, 16), 128, np.uint8)
    cv2.imwrite(str(tmp_path / 'a.jpg'), img)
    assert abs(_load(tmp_path / 'a.jpg').mean() - 128 / 255.) < 0.01


def test_dicom_monochrome2_minmax(tmp_path):
    p = write_dicom(tmp_path / 'a.dcm', RAMP)
    assert is_dicom(open(p, 'rb').read())
    img = _load(p)
    assert img.shape == (8, 64)
    assert img[0, 0] == 0. and img[0, -1] == 1.
    assert np.all(np.diff(img[0]) > 0)  # brighter to the right


def test_dicom_monochrome1_is_inverted(tmp_path):
    m2 = _load(write_dicom(tmp_path / 'a.dcm', RAMP))
    m1 = _load(write_dicom(tmp_path / 'b.dcm', RAMP,
                           photometric='MONOCHROME1'))
    np.testing.assert_allclose(m1, 1. - m2, atol=1e-6)


def test_dicom_rescale_and_window(tmp_path):
    # stored 0..4032, slope 2, intercept -1000 -> -1000..7064;
    # window centre 3000, width 2001 -> 2000..4000 maps to 0..1
    p = write_dicom(tmp_path / 'a.dcm', RAMP, slope=2, intercept=-1000,
                    window=(3000, 2001))
    img = _load(p)
    values = RAMP[0].astype(float) * 2 - 1000
    expected = np.clip((values - 2999.5) / 2000 + 0.5, 0, 1)
    np.testing.assert_allclose(img[0], expected, atol=1e-5)
    assert img[0, 0] == 0. and img[0, -1] == 1.


def test_dicom_voi_lut_sequence(tmp_path):
    # an 8-bit LUT over the first 4096 values: reversed ramp
    lut = np.linspace(255, 0, 4096).round()
    img = _load(write_dicom(tmp_path / 'a.dcm', RAMP, voi_lut=lut))
    np.testing.assert_allclose(img[0], lut[RAMP[0]] / 255., atol=1e-6)


def test_dicom_multiframe_uses_first_frame(tmp_path):
    frames = np.stack([RAMP, RAMP[:, ::-1]])
    p = write_dicom(tmp_path / 'a.dcm', frames, frames=2)
    with pytest.warns(UserWarning, match='2 frames; using the first frame'):
        img = _load(p)
    assert img[0, 0] == 0. and img[0, -1] == 1.


@pytest.mark.parametrize('content,error', [
    (b'', 'empty image file'),
    (b'hello, I am a text file', 'not a readable image'),
    (None, 'not a readable image'),  # truncated PNG
])
def test_bad_files_name_the_path(tmp_path, content, error):
    path = tmp_path / 'bad.png'
    if content is None:
        cv2.imwrite(str(path), np.zeros((64, 64), np.uint8))
        content = path.read_bytes()[:40]
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f'{path}: {error}'):
        _load(path)


def test_dicom_without_pixels(tmp_path):
    p = write_dicom(tmp_path / 'a.dcm', RAMP)
    import pydicom
    ds = pydicom.dcmread(p)
    del ds.PixelData
    ds.save_as(p)
    with pytest.raises(ValueError, match='a.dcm: DICOM file has no pixel'):
        _load(p)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='image file not found'):
        _load(tmp_path / 'nope.png')


def test_decode_radiograph_rejects_unknown_normalize():
    with pytest.raises(ValueError, match="normalize must be 'dtype'"):
        decode_radiograph(b'x', normalize='zscore')
