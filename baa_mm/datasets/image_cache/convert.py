"""Conversion of one source image into its cached PNG (numpy / OpenCV).

Decoded with :func:`~baa_mm.datasets.image_io.decode_radiograph`, shrunk
with ``INTER_AREA`` to a long side of at most ``long_side`` (never
enlarged) and stored as 8-bit PNG for 8-bit sources, 16-bit otherwise (see
``docs/image_cache.md``).
"""
from typing import Tuple

import cv2
import numpy as np

from ..image_io import decode_radiograph, is_dicom
from .meta import write_atomic

__all__ = ['cache_rel_path', 'convert_image', 'convert_file']

_PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def cache_rel_path(rel: str) -> str:
    """Cached relative path of a source relative path.

    A PNG keeps its name, anything else gets ``.png`` appended
    (``a/c.dcm`` -> ``a/c.dcm.png``), so ``c.dcm`` and ``c.jpg`` cannot
    collide.
    """
    return rel if rel.lower().endswith('.png') else rel + '.png'


def _source_bit_depth(data: bytes, path: str, img: np.ndarray) -> int:
    """8 or 16: the depth the cached PNG needs to keep the source exact."""
    if is_dicom(data) or path.lower().endswith(('.dcm', '.dicom')):
        return 16  # VOI output is continuous; 16 bits keep its precision
    if data[:8] == _PNG_SIGNATURE and len(data) > 24:
        return 16 if data[24] == 16 else 8  # IHDR bit depth
    # JPEG/BMP/TIFF: 8-bit sources decode to exact multiples of 1/255
    # (16-bit values that happen to be multiples of 257 are exact in 8 bits).
    q = img * np.float32(255)
    return 8 if float(np.abs(q - np.rint(q)).max(initial=0)) < 1e-3 else 16


def _target_size(h: int, w: int, long_side: int) -> Tuple[int, int]:
    """(H, W) with the long side at most ``long_side``; never larger."""
    if max(h, w) <= long_side:
        return h, w
    s = long_side / max(h, w)
    return max(1, int(round(h * s))), max(1, int(round(w * s)))


def convert_image(data: bytes, path: str,
                  long_side: int) -> Tuple[np.ndarray, Tuple[int, int]]:
    """Decode, shrink and quantize one image for the cache.

    Args:
        data (bytes): The file's content.
        path (str): Its path (for the format and error messages).
        long_side (int): Largest long side of the result.

    Returns:
        tuple: ``(img, ori_shape)``; ``img`` is (h, w) ``uint8`` or
        ``uint16``, ``ori_shape`` the decoded source's (H, W).

    Raises:
        ValueError: For empty/unreadable/non-image data (message names path).
    """
    img = decode_radiograph(data, path, normalize='dtype')
    bits = _source_bit_depth(data, path, img)
    h, w = img.shape
    nh, nw = _target_size(h, w, long_side)
    if (nh, nw) != (h, w):
        img = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
    maxv = 255 if bits == 8 else 65535
    out = np.clip(np.rint(img * np.float32(maxv)), 0, maxv)
    return out.astype(np.uint8 if bits == 8 else np.uint16), (h, w)


def _error_reason(e: Exception, src: str) -> str:
    """A failure's reason for the build summary (which names the file)."""
    msg = str(e) or type(e).__name__
    if msg.startswith(src + ': '):
        msg = msg[len(src) + 2:]
    if not isinstance(e, ValueError):
        msg = f'{type(e).__name__}: {msg}'
    return msg


def convert_file(job: tuple) -> dict:
    """Convert one source file and write its PNG (runs in worker processes
    too).

    Args:
        job (tuple): ``(rel, src, dst, long_side, size, mtime_ns)``: source
            relative path, source and cached file paths, the long side and
            the source's ``st_size`` / ``st_mtime_ns``.

    Returns:
        dict: ``dict(rel=..., entry=...)`` with the meta entry, or
        ``dict(rel=..., error=reason)``; bad input is never fatal.
    """
    rel, src, dst, long_side, size, mtime_ns = job
    try:
        with open(src, 'rb') as f:
            data = f.read()
        img, ori_shape = convert_image(data, src, long_side)
        ok, buf = cv2.imencode('.png', img)
        if not ok:
            raise ValueError(f'{src}: PNG encoding failed')
        payload = buf.tobytes()
        write_atomic(dst, payload)
    except Exception as e:  # any bad input is reported, never fatal
        return dict(rel=rel, error=_error_reason(e, src))
    return dict(
        rel=rel,
        entry=dict(
            cache=cache_rel_path(rel),
            size=size,
            mtime_ns=mtime_ns,
            ori_shape=[int(ori_shape[0]), int(ori_shape[1])],
            cache_shape=[int(img.shape[0]), int(img.shape[1])],
            bit_depth=8 if img.dtype == np.uint8 else 16,
            cache_size=len(payload)))
