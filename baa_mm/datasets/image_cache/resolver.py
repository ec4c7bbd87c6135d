"""Lookup of cached images: source path -> cached file and scale factor.

A missing or stale entry is never used silently (see
:class:`CachedImageResolver`). Scale factors are ``(w_scale, h_scale) =
(cache_W / ori_W, cache_H / ori_H)`` (the mmcv/mmdet order):
``x_cache = x * w_scale``, ``y_cache = y * h_scale``.
"""
import os
import os.path as osp
import warnings
from typing import Dict, NamedTuple, Optional, Tuple

import numpy as np

from .meta import (CACHE_VERSION, META_NAME, ImageCacheError, load_meta,
                   rebuild_hint)

__all__ = ['scale_coords', 'CachedImage', 'CachedImageResolver']


def scale_coords(coords, scale_factor: Tuple[float, float]):
    """Scale interleaved ``[x, y, x, y, ...]`` pixel coordinates.

    Works for a box ``[x1, y1, x2, y2]``, a COCO polygon, a list of
    polygons, or an array whose last axis alternates x and y. ``None`` stays
    ``None``. Lists come back as lists of floats, arrays as float arrays.

    Args:
        coords: Coordinates in the original image.
        scale_factor (tuple): ``(w_scale, h_scale)``, e.g. from
            :meth:`CachedImageResolver.scale_factor`.
    """
    if coords is None:
        return None
    w_s, h_s = scale_factor
    if isinstance(coords, np.ndarray):
        out = coords.astype(np.float64 if coords.dtype == np.float64
                            else np.float32)
        out[..., 0::2] *= w_s
        out[..., 1::2] *= h_s
        return out
    if len(coords) and isinstance(coords[0], (list, tuple, np.ndarray)):
        return [scale_coords(c, scale_factor) for c in coords]
    return [float(v) * (w_s if i % 2 == 0 else h_s)
            for i, v in enumerate(coords)]


class CachedImage(NamedTuple):
    """Result of :meth:`CachedImageResolver.lookup`.

    ``path`` is the file to load; ``scale_factor`` is ``(w_scale, h_scale)``
    from original to ``path``'s pixel coordinates; ``ori_shape`` and
    ``img_shape`` are the (H, W) of the source and of ``path`` (None when
    falling back to an uncached source); ``cached`` tells which it is.
    """
    path: str
    scale_factor: Tuple[float, float]
    ori_shape: Optional[Tuple[int, int]]
    img_shape: Optional[Tuple[int, int]]
    cached: bool


def _checked_meta(cache_dir: str, long_side: Optional[int]) -> dict:
    """The meta of ``cache_dir``; raises :class:`ImageCacheError` when there
    is none, or it has another format version or long side."""
    meta = load_meta(cache_dir)
    if meta is None:
        raise ImageCacheError(
            f'{cache_dir}: no {META_NAME}, not an image cache; build '
            'it with: python tools/dataset_converters/build_cache.py '
            f'SRC_DIR {cache_dir}')
    hint = rebuild_hint(meta.get('src_dir', 'SRC_DIR'), cache_dir)
    if meta.get('version') != CACHE_VERSION:
        raise ImageCacheError(
            f'{cache_dir}: cache format version {meta.get("version")}, this '
            f'code reads {CACHE_VERSION}; ' + hint)
    if long_side is not None and meta.get('long_side') != long_side:
        raise ImageCacheError(
            f'{cache_dir}: built with long_side={meta.get("long_side")}, '
            f'expected {long_side}; ' + hint)
    return meta


class CachedImageResolver:
    """Map source image paths to their files in a cache from
    :func:`build_cache`.

    A cache entry is used only if it is fresh: the source file has the size
    and ``mtime_ns`` recorded at build time and the cached file exists with
    its recorded size. Otherwise (or when the source is not in the cache, or
    lies outside the cache's source folder):

    - ``on_missing='raise'`` (default) raises :class:`ImageCacheError` with
      the file, the reason and the rebuild command. This is the default
      because a silent fallback would decode full-size files (slow) and
      hand out images of a different size than the cached ones.
    - ``on_missing='source'`` warns and returns the source path itself
      (scale factor ``(1., 1.)``).

    Args:
        cache_dir (str): Folder with ``cache_meta.json``.
        src_dir (str, optional): Where the sources are now, if they moved
            since the build (keys are paths relative to it). Defaults to the
            folder recorded in the meta.
        on_missing (str): 'raise' or 'source', see above.
        check_source (bool): Stat each source to check freshness (default).
            ``False`` trusts the meta, e.g. when the originals are not
            available on the training machine.
        long_side (int, optional): If given, the cache must have been built
            with this ``long_side``.
    """

    def __init__(self,
                 cache_dir: str,
                 src_dir: Optional[str] = None,
                 on_missing: str = 'raise',
                 check_source: bool = True,
                 long_side: Optional[int] = None):
        if on_missing not in ('raise', 'source'):
            raise ValueError("on_missing must be 'raise' or 'source', got "
                             f'{on_missing!r}')
        self.cache_dir = osp.abspath(cache_dir)
        meta = _checked_meta(self.cache_dir, long_side)
        self.long_side = meta.get('long_side')
        self.files: Dict[str, dict] = meta['files']
        self.src_dir = osp.abspath(src_dir or meta['src_dir'])
        self._src_real = osp.realpath(self.src_dir)
        self.on_missing = on_missing
        self.check_source = check_source

    def __len__(self) -> int:
        return len(self.files)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(cache_dir={self.cache_dir!r}, '
                f'src_dir={self.src_dir!r}, on_missing={self.on_missing!r}, '
                f'files={len(self.files)})')

    def _rel(self, src_path: str) -> Optional[str]:
        for path, base in ((osp.abspath(src_path), self.src_dir),
                           (osp.realpath(src_path), self._src_real)):
            rel = osp.relpath(path, base)
            if rel != '..' and not rel.startswith('..' + os.sep):
                return rel.replace(os.sep, '/')
        return None

    def _problem(self, src_path: str, rel: Optional[str]) -> Optional[str]:
        if rel is None:
            return f'not under the cache\'s source folder {self.src_dir}'
        entry = self.files.get(rel)
        if entry is None:
            return ('not in the cache (added after the build, or it failed '
                    'to convert: see the build summary)')
        if self.check_source:
            try:
                st = os.stat(src_path)
            except OSError:
                return ('source file missing (pass check_source=False to use '
                        'the cache without the originals)')
            if st.st_size != entry['size']:
                return (f'stale: the source changed since the cache was '
                        f'built (size {entry["size"]} -> {st.st_size} bytes)')
            if st.st_mtime_ns != entry['mtime_ns']:
                return ('stale: the source changed since the cache was built '
                        '(modification time differs)')
        try:
            st = os.stat(osp.join(self.cache_dir, entry['cache']))
        except OSError:
            return f'cached file {entry["cache"]} is missing'
        if st.st_size != entry['cache_size']:
            return (f'cached file {entry["cache"]} was modified or truncated '
                    f'({st.st_size} bytes, expected {entry["cache_size"]})')
        return None

    def lookup(self, src_path: str) -> CachedImage:
        """The cached file of ``src_path`` and its geometry.

        Raises:
            ImageCacheError: Missing or stale entry (``on_missing='raise'``).
        """
        src_path = str(src_path)
        rel = self._rel(src_path)
        problem = self._problem(src_path, rel)
        if problem is not None:
            msg = (f'{src_path}: {problem}; '
                   + rebuild_hint(self.src_dir, self.cache_dir))
            if self.on_missing == 'raise':
                raise ImageCacheError(msg)
            warnings.warn(msg + ' (using the source file)')
            return CachedImage(src_path, (1., 1.), None, None, False)
        entry = self.files[rel]
        (oh, ow), (ch, cw) = entry['ori_shape'], entry['cache_shape']
        return CachedImage(
            osp.join(self.cache_dir, entry['cache']), (cw / ow, ch / oh),
            (oh, ow), (ch, cw), True)

    def resolve(self, src_path: str) -> str:
        """Path of the cached file of ``src_path`` (see :meth:`lookup`)."""
        return self.lookup(src_path).path

    def scale_factor(self, src_path: str) -> Tuple[float, float]:
        """``(w_scale, h_scale)`` from original to cached pixel coordinates
        (``(1., 1.)`` when falling back to the source)."""
        return self.lookup(src_path).scale_factor
