"""Decoding radiographs to float32 grayscale (pure numpy/OpenCV/pydicom).

Every reader returns a ``(H, W)`` ``float32`` array in ``[0, 1]``:

- **PNG / JPEG / BMP / TIFF** (OpenCV): 8-bit divided by 255, 16-bit by
  65535 (``normalize='dtype'``, the default) or min–max scaled per image
  (``normalize='minmax'``, for 16-bit exports that use 10–14 bits). RGB(A)
  becomes luminance; alpha is dropped.
- **DICOM** (pydicom): the modality LUT (``RescaleSlope``/``RescaleIntercept``)
  is applied, then the VOI transform: a ``VOILUTSequence`` if present, else
  the first ``WindowCenter``/``WindowWidth`` with the DICOM linear function,
  else min–max over the image. ``MONOCHROME1`` (white = low values) is
  inverted so that bone is always bright. Multi-frame files use the first
  frame, with a warning.

Errors name the file: empty file, unreadable/truncated data, non-image file,
DICOM without pixel data, and compressed DICOM whose transfer syntax has no
installed decoder (the error names the syntax and what to install; JPEG
2000 and RLE need the ``pylibjpeg`` plugins of ``requirements/runtime.txt``;
JPEG lossless, 12-bit JPEG and JPEG-LS the GPL-licensed ``pylibjpeg-libjpeg``
of ``requirements/dicom_gpl.txt``).
"""
import io
import os
import warnings
from typing import Optional

import cv2
import numpy as np

__all__ = [
    'decode_radiograph', 'decode_dicom', 'is_dicom', 'check_image_file',
    'to_unit_range'
]


def is_dicom(data: bytes) -> bool:
    """True for Part-10 DICOM (``DICM`` after the 128-byte preamble)."""
    return len(data) >= 132 and data[128:132] == b'DICM'


_PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
_PNG_END = b'IEND\xaeB`\x82'
_MAGICS = (
    (_PNG_MAGIC, 'PNG'),
    (b'\xff\xd8\xff', 'JPEG'),
    (b'II*\x00', 'TIFF'),
    (b'MM\x00*', 'TIFF'),
    (b'BM', 'BMP'),
)


def check_image_file(path: str) -> Optional[str]:
    """Cheap validity check of an image file: why it is bad, or None.

    Reads only the first 132 and last 16 bytes, so a whole data set can be
    checked when a dataset is built: missing and empty files, files that are
    no known image format (PNG, JPEG, TIFF, BMP, DICOM) and PNG/JPEG files
    cut short (no ``IEND`` chunk / no end-of-image marker) are reported.
    Damage inside a file is only found when it is decoded.

    Args:
        path (str): Local file path.

    Returns:
        str | None: The reason the file is bad, or None if it looks fine.
    """
    try:
        size = os.path.getsize(path)
    except OSError:
        return f'image file not found: {path}'
    if size == 0:
        return f'empty image file: {path}'
    with open(path, 'rb') as f:
        head = f.read(132)
        f.seek(max(0, size - 16))
        tail = f.read(16)
    if is_dicom(head) or path.lower().endswith('.dcm'):
        return None
    fmt = next((name for magic, name in _MAGICS if head.startswith(magic)),
               None)
    if fmt is None:
        return (f'not an image file (no PNG/JPEG/TIFF/BMP/DICOM '
                f'signature): {path}')
    if fmt == 'PNG' and not tail.endswith(_PNG_END):
        return f'truncated PNG file (no IEND chunk): {path}'
    if fmt == 'JPEG' and b'\xff\xd9' not in tail:
        return f'truncated JPEG file (no end-of-image marker): {path}'
    return None


def _minmax(img: np.ndarray) -> np.ndarray:
    img = img.astype(np.float32)
    lo, hi = float(img.min()), float(img.max())
    if hi <= lo:
        return np.zeros_like(img)
    return (img - lo) / (hi - lo)


def _first(value) -> float:
    """First value of a possibly multi-valued DICOM element."""
    try:
        return float(value[0])
    except TypeError:
        return float(value)


def _apply_lut(arr: np.ndarray, lut, signed: bool) -> np.ndarray:
    """Apply a DICOM VOI LUT item (PS3.3 C.11.2.1.1), output in [0, 1].

    Implemented here because pydicom 3.0.2's ``apply_voi_lut`` wraps the
    index at 256 for an 8-bit LUT with more than 256 entries.
    """
    n, first, bits = (int(v) for v in lut.LUTDescriptor)
    n = n or 65536  # 0 means 2**16 entries
    if signed and first >= 32768:  # first mapped value stored as US
        first -= 65536
    data = lut.LUTData
    if isinstance(data, (bytes, bytearray)):
        data = np.frombuffer(data, '<u2')
    data = np.asarray(data, np.float64).reshape(-1)[:n]
    idx = np.clip(np.round(arr) - first, 0, len(data) - 1).astype(np.int64)
    return np.clip(data[idx] / (2**bits - 1), 0, 1)


_INSTALL_HINT = ('install the pylibjpeg plugins (pip install pylibjpeg '
                 'pylibjpeg-openjpeg pylibjpeg-rle; JPEG lossless and '
                 'JPEG-LS also need the GPL-3.0 pylibjpeg-libjpeg, see '
                 'requirements/dicom_gpl.txt)')


def _transfer_syntax(ds):
    """The dataset's Transfer Syntax UID, or None if the header has none."""
    file_meta = getattr(ds, 'file_meta', None)
    uid = file_meta.get('TransferSyntaxUID') if file_meta is not None \
        else None
    return uid or None


def _describe_syntax(uid) -> str:
    """``'JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80)'``."""
    from pydicom.uid import UID
    uid = UID(str(uid))
    name = uid.name
    return f'{name} ({uid})' if name and name != str(uid) else str(uid)


def _missing_decoder(tsyntax) -> Optional[str]:
    """Why the pixel data of this transfer syntax cannot be decoded here.

    Returns None when pydicom has an installed decoder for ``tsyntax`` (or
    the syntax is unknown to pydicom's decoder registry, left to pydicom);
    otherwise a message naming the syntax (name and UID) and what to install.
    """
    if not tsyntax:
        return None
    from pydicom.pixels import get_decoder
    desc = _describe_syntax(tsyntax)
    try:
        decoder = get_decoder(tsyntax)
    except NotImplementedError:
        return (f'pydicom has no pixel data decoder for transfer syntax '
                f'{desc}; convert the file to an uncompressed DICOM or '
                'PNG first')
    except Exception:  # an invalid UID string: let pixel_array report it
        return None
    if decoder.is_available:
        return None
    needs = '; '.join(decoder.missing_dependencies)
    return (f'no decoder installed for transfer syntax {desc}; '
            f'{_INSTALL_HINT} (pydicom plugins and what they need: {needs})')


def decode_dicom(data: bytes, path: str = '<bytes>') -> np.ndarray:
    """Decode DICOM bytes to a (H, W) float32 image in [0, 1].

    Args:
        data (bytes): The DICOM file's bytes.
        path (str): Name used in warnings and errors.

    Returns:
        np.ndarray: (H, W) float32 in [0, 1], bone bright.

    Raises:
        ValueError: Unreadable DICOM, no pixel data, no installed decoder
            for the transfer syntax (named with its UID) or undecodable
            pixel data; the message starts with ``path``.
    """
    import pydicom
    from pydicom.pixels import apply_modality_lut
    try:
        ds = pydicom.dcmread(io.BytesIO(data), force=True)
    except Exception as e:  # pydicom raises many types
        raise ValueError(f'{path}: not a readable DICOM file ({e})') from e
    if 'PixelData' not in ds:
        raise ValueError(f'{path}: DICOM file has no pixel data')
    tsyntax = _transfer_syntax(ds)
    missing = _missing_decoder(tsyntax)
    if missing:
        raise ValueError(f'{path}: {missing}')
    try:
        arr = ds.pixel_array
    except Exception as e:
        ts = _describe_syntax(tsyntax) if tsyntax else 'unknown'
        raise ValueError(f'{path}: cannot decode DICOM pixel data '
                         f'(transfer syntax {ts}; {e})') from e
    frames = int(ds.get('NumberOfFrames', 1) or 1)
    if frames > 1:
        warnings.warn(f'{path}: multi-frame DICOM with {frames} frames; '
                      'using the first frame')
        arr = arr[0]
    photometric = str(ds.get('PhotometricInterpretation', 'MONOCHROME2'))
    if arr.ndim == 3:  # RGB / YBR colour images
        arr = cv2.cvtColor(arr.astype(np.float32), cv2.COLOR_RGB2GRAY)
    else:
        arr = apply_modality_lut(arr, ds)
    arr = np.asarray(arr, np.float64)
    if 'VOILUTSequence' in ds:
        img = _apply_lut(arr, ds.VOILUTSequence[0],
                         signed=int(ds.get('PixelRepresentation', 0)) == 1)
    elif 'WindowCenter' in ds and 'WindowWidth' in ds:
        c, w = _first(ds.WindowCenter), _first(ds.WindowWidth)
        if w < 1:
            raise ValueError(f'{path}: invalid WindowWidth {w}')
        # DICOM PS3.3 C.11.2.1.2.1, linear, scaled to [0, 1]
        img = np.clip((arr - (c - 0.5)) / (w - 1) + 0.5, 0, 1)
    else:
        img = _minmax(arr)
    img = img.astype(np.float32)
    if photometric == 'MONOCHROME1':
        img = 1. - img
    return img


def decode_radiograph(data: bytes,
                      path: str = '<bytes>',
                      normalize: str = 'dtype') -> np.ndarray:
    """Decode image bytes (PNG, JPEG, TIFF, BMP or DICOM) to [0, 1] gray.

    Args:
        data (bytes): The encoded file.
        path (str): Name used in errors and warnings.
        normalize (str): 'dtype' (divide by the integer type's maximum) or
            'minmax' (per image). DICOM always uses its VOI transform.

    Returns:
        np.ndarray: (H, W) float32 in [0, 1].

    Raises:
        ValueError: Empty, unreadable, truncated or non-image data; the
            message starts with ``path``.
    """
    if normalize not in ('dtype', 'minmax'):
        raise ValueError(f"normalize must be 'dtype' or 'minmax', got "
                         f'{normalize!r}')
    if len(data) == 0:
        raise ValueError(f'{path}: empty image file')
    if is_dicom(data) or str(path).lower().endswith('.dcm'):
        return decode_dicom(data, path)
    img: Optional[np.ndarray] = cv2.imdecode(
        np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f'{path}: not a readable image (corrupt, truncated '
                         'or not an image format)')
    if img.ndim == 3:
        if img.shape[2] == 4:
            img = img[..., :3]
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.shape[2] == 3 \
            else img[..., 0]
    if normalize == 'minmax':
        return _minmax(img)
    return to_unit_range(img, path)


def to_unit_range(img: np.ndarray, path: str = '<array>') -> np.ndarray:
    """Gray pixels to float32 in [0, 1] by their type: 8-bit / 255,
    16-bit / 65535, floating point clipped to [0, 1]."""
    if img.dtype == np.uint8:
        return img.astype(np.float32) / 255.
    if img.dtype == np.uint16:
        return img.astype(np.float32) / 65535.
    if np.issubdtype(img.dtype, np.floating):
        return np.clip(img, 0, 1).astype(np.float32)
    raise ValueError(f'{path}: unsupported pixel type {img.dtype}')
