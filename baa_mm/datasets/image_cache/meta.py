"""On-disk format of the image cache: constants, atomic writes, meta file.

``<cache_dir>/cache_meta.json`` holds ``version``, ``long_side``,
``src_dir`` and ``files``: source relative POSIX path -> entry with
``cache``, ``size``, ``mtime_ns``, ``ori_shape``, ``cache_shape``
(``[H, W]``), ``bit_depth`` and ``cache_size``. See ``docs/image_cache.md``.
"""
import json
import os
import os.path as osp
import time
from typing import Optional

__all__ = [
    'CACHE_VERSION', 'META_NAME', 'DEFAULT_EXTS', 'PARTIAL_SUFFIX',
    'ImageCacheError', 'rebuild_hint', 'write_atomic', 'load_meta',
    'save_meta', 'remove_partials', 'is_fresh'
]

CACHE_VERSION = 1
META_NAME = 'cache_meta.json'
DEFAULT_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.dcm',
                '.dicom')
PARTIAL_SUFFIX = '.partial'


class ImageCacheError(RuntimeError):
    """A cache that is missing, stale, or was built with other settings."""


def rebuild_hint(src_dir: str, cache_dir: str) -> str:
    """The command that rebuilds the cache (for error messages)."""
    return ('rebuild it with: python tools/dataset_converters/build_cache.py '
            f'{src_dir} {cache_dir}')


def _partial_name(path: str) -> str:
    d, name = osp.split(path)
    return osp.join(d, f'.{name}.{os.getpid()}{PARTIAL_SUFFIX}')


def write_atomic(path: str, payload: bytes) -> None:
    """Write to a hidden temporary file, then ``os.replace`` it into place.

    Args:
        path (str): Destination file (its folder is created).
        payload (bytes): The content.
    """
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = _partial_name(path)
    try:
        with open(tmp, 'wb') as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def load_meta(cache_dir: str) -> Optional[dict]:
    """The parsed meta of ``cache_dir``, None when there is none.

    Raises:
        ImageCacheError: The meta file exists but cannot be read.
    """
    path = osp.join(cache_dir, META_NAME)
    if not osp.isfile(path):
        return None
    try:
        with open(path, encoding='utf-8') as f:
            meta = json.load(f)
        if not isinstance(meta, dict) or not isinstance(
                meta.get('files'), dict):
            raise ValueError('no "files" table')
    except (OSError, ValueError) as e:
        raise ImageCacheError(f'{path}: unreadable cache meta ({e})') from e
    return meta


def save_meta(cache_dir: str, meta: dict) -> None:
    """Stamp ``meta['updated']`` and write it atomically."""
    meta['updated'] = time.strftime('%Y-%m-%dT%H:%M:%S%z')
    payload = json.dumps(meta, indent=1, sort_keys=True).encode('utf-8')
    write_atomic(osp.join(cache_dir, META_NAME), payload)


def remove_partials(cache_dir: str) -> int:
    """Remove the ``.partial`` files an interrupted build left; returns how
    many."""
    n = 0
    for root, _, files in os.walk(cache_dir):
        for name in files:
            if name.startswith('.') and name.endswith(PARTIAL_SUFFIX):
                try:
                    os.remove(osp.join(root, name))
                    n += 1
                except OSError:
                    pass
    return n


def is_fresh(entry: dict, size: int, mtime_ns: int, cache_dir: str) -> bool:
    """Whether a meta entry matches its source (``size``, ``mtime_ns``) and
    its cached file exists with the recorded size."""
    if entry.get('size') != size or entry.get('mtime_ns') != mtime_ns:
        return False
    try:
        st = os.stat(osp.join(cache_dir, entry['cache']))
    except (OSError, KeyError):
        return False
    return st.st_size == entry.get('cache_size')
