"""A resized PNG cache of a radiograph folder (pure numpy/OpenCV, no torch).

Decoding a 1500–3000 px RSNA PNG or a hospital DICOM every epoch costs far
more than the pipeline needs. :func:`build_cache` converts a folder once:

- The cache folder mirrors the source folder's relative paths. ``a/b.png``
  is cached as ``a/b.png``; any other file keeps its name plus ``.png``
  (``a/c.dcm`` → ``a/c.dcm.png``), so ``c.dcm`` and ``c.jpg`` cannot collide.
- Each image is decoded with :func:`~.image_io.decode_radiograph` (DICOM:
  modality LUT, VOI LUT / window, ``MONOCHROME1`` inverted: bone bright),
  converted to grayscale and shrunk with ``INTER_AREA`` so that its long side
  is at most ``long_side`` (never upscaled).
- Bit depth: sources with more than 8 bits (16-bit PNG/TIFF, float TIFF, and
  every DICOM after its VOI transform) are stored as 16-bit PNG, 8-bit
  sources as 8-bit PNG. Stored values are the source's own integer values
  (resized), so ``LoadRadiograph(normalize='dtype')`` and ``'minmax'`` give
  the same result on the cache as on the source, up to the resizing.
- ``cache_meta.json`` at the cache root records the format ``version``,
  ``long_side``, the source folder, and per source file (keyed by its
  relative POSIX path): ``cache`` (cached relative path), ``size`` and
  ``mtime_ns`` (the source's, for freshness), ``ori_shape`` and
  ``cache_shape`` (``[H, W]``), ``bit_depth`` (8 or 16) and ``cache_size``.

Building is resumable: a file whose entry matches the source's size and
``mtime_ns`` (and whose cached file exists with the recorded size) is
skipped, a changed one is converted again. Every file is written to a hidden
``.<name>.<pid>.partial`` file in the same folder and then moved into place
with :func:`os.replace`, so an interrupted run never leaves a half-written
image under a cached name (left-over ``.partial`` files are removed by the
next build). The meta is rewritten atomically every ``save_interval``
seconds and at the end (also after Ctrl-C), so a killed run loses at most
the entries of the last few seconds, and those files are simply converted
again. Unreadable, empty or non-image files are logged, reported in the
summary with their reason, and the build goes on.

:class:`CachedImageResolver` maps a source path to its cached file. A
missing or stale entry (the source's size or mtime changed, or the cached
file is gone or altered) is never used: by default it raises
:class:`ImageCacheError` naming the file and the command that rebuilds the
cache; with ``on_missing='source'`` it warns and returns the source path
(with scale factor 1).

Annotations in original-image coordinates map to the cache with
:meth:`CachedImageResolver.scale_factor`, which returns
``(w_scale, h_scale) = (cache_W / ori_W, cache_H / ori_H)`` (the mmcv/mmdet
order): ``x_cache = x * w_scale``, ``y_cache = y * h_scale``.

This module imports neither torch nor mmengine (mmengine's ``ProgressBar``
is used only if it can be imported), so ``tools/`` can load it by file path.
"""
import json
import logging
import os
import os.path as osp
import time
import warnings
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

import cv2
import numpy as np

if __package__:
    from .image_io import decode_radiograph, is_dicom
else:  # loaded by file path (see tools/dataset_converters/build_cache.py)
    import importlib.util
    import sys
    _IO_NAME = 'baa_mm_image_io'
    if _IO_NAME not in sys.modules:
        _spec = importlib.util.spec_from_file_location(
            _IO_NAME, osp.join(osp.dirname(osp.abspath(__file__)),
                               'image_io.py'))
        _mod = importlib.util.module_from_spec(_spec)
        sys.modules[_IO_NAME] = _mod
        _spec.loader.exec_module(_mod)
    decode_radiograph = sys.modules[_IO_NAME].decode_radiograph
    is_dicom = sys.modules[_IO_NAME].is_dicom

__all__ = [
    'CACHE_VERSION', 'META_NAME', 'DEFAULT_EXTS', 'ImageCacheError',
    'CachedImage', 'CachedImageResolver', 'build_cache', 'convert_image',
    'cache_rel_path', 'scale_coords'
]

CACHE_VERSION = 1
META_NAME = 'cache_meta.json'
DEFAULT_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.dcm',
                '.dicom')
PARTIAL_SUFFIX = '.partial'
_PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'

logger = logging.getLogger(__name__ if __package__ else 'baa_mm.image_cache')


class ImageCacheError(RuntimeError):
    """A cache that is missing, stale, or was built with other settings."""


def _rebuild_hint(src_dir: str, cache_dir: str) -> str:
    return ('rebuild it with: python tools/dataset_converters/build_cache.py '
            f'{src_dir} {cache_dir}')


def cache_rel_path(rel: str) -> str:
    """Cached relative path of a source relative path (PNG keeps its name,
    anything else gets ``.png`` appended)."""
    return rel if rel.lower().endswith('.png') else rel + '.png'


# ----------------------------------------------------------------------------
# Conversion of one file
# ----------------------------------------------------------------------------
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


def _partial_name(path: str) -> str:
    d, name = osp.split(path)
    return osp.join(d, f'.{name}.{os.getpid()}{PARTIAL_SUFFIX}')


def _write_atomic(path: str, payload: bytes) -> None:
    """Write to a hidden temporary file, then ``os.replace`` it into place."""
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


def _convert_job(job: tuple) -> dict:
    """Convert one source file (runs in worker processes too).

    Returns ``dict(rel=..., entry=...)`` or ``dict(rel=..., error=reason)``.
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
        _write_atomic(dst, payload)
    except Exception as e:  # any bad input is reported, never fatal
        msg = str(e) or type(e).__name__
        if msg.startswith(src + ': '):  # the summary names the file already
            msg = msg[len(src) + 2:]
        if not isinstance(e, ValueError):
            msg = f'{type(e).__name__}: {msg}'
        return dict(rel=rel, error=msg)
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


# ----------------------------------------------------------------------------
# Meta file
# ----------------------------------------------------------------------------
def _load_meta(cache_dir: str) -> Optional[dict]:
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


def _save_meta(cache_dir: str, meta: dict) -> None:
    meta['updated'] = time.strftime('%Y-%m-%dT%H:%M:%S%z')
    payload = json.dumps(meta, indent=1, sort_keys=True).encode('utf-8')
    _write_atomic(osp.join(cache_dir, META_NAME), payload)


def _scan(src_dir: str, exts: Sequence[str],
          exclude: str) -> Tuple[List[str], int]:
    """Sorted relative POSIX paths of the files to cache, and how many other
    files were ignored (extension not in ``exts``)."""
    exts = tuple(e.lower() if e.startswith('.') else '.' + e.lower()
                 for e in exts)
    found, ignored = [], 0
    for root, dirs, files in os.walk(src_dir):
        # never descend into the cache itself when it lies inside src_dir
        dirs[:] = sorted(d for d in dirs
                         if osp.abspath(osp.join(root, d)) != exclude)
        for name in files:
            full = osp.join(root, name)
            if name.lower().endswith(exts):
                found.append(
                    osp.relpath(full, src_dir).replace(os.sep, '/'))
            else:
                ignored += 1
    return sorted(found), ignored


def _remove_partials(cache_dir: str) -> int:
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


def _is_fresh(entry: dict, size: int, mtime_ns: int, cache_dir: str) -> bool:
    if entry.get('size') != size or entry.get('mtime_ns') != mtime_ns:
        return False
    try:
        st = os.stat(osp.join(cache_dir, entry['cache']))
    except (OSError, KeyError):
        return False
    return st.st_size == entry.get('cache_size')


class _Progress:
    """mmengine's ProgressBar when available and wanted, else nothing."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled and total:
            try:
                from mmengine.utils import ProgressBar
                self.bar = ProgressBar(total)
            except ImportError:  # pragma: no cover
                pass

    def update(self, n: int = 1) -> None:
        if self.bar is not None and n:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.file.write('\n')
            self.bar.file.flush()


# ----------------------------------------------------------------------------
# Building
# ----------------------------------------------------------------------------
def build_cache(src_dir: str,
                cache_dir: str,
                long_side: int = 1024,
                exts: Iterable[str] = DEFAULT_EXTS,
                num_workers: int = 0,
                progress: bool = True,
                save_interval: float = 10.) -> dict:
    """Build or update the resized PNG cache of ``src_dir`` in ``cache_dir``.

    Args:
        src_dir (str): Source image folder (searched recursively).
        cache_dir (str): Cache folder; created if needed. May not be
            ``src_dir``; if it lies inside ``src_dir`` it is not scanned.
        long_side (int): Largest long side of a cached image. Images that
            are smaller are stored at their size (never upscaled). Changing
            it rebuilds the whole cache.
        exts (Iterable[str]): File extensions to cache (case-insensitive).
            Other files are counted in ``summary['ignored']``.
        num_workers (int): Worker processes; 0 converts in this process,
            -1 uses all CPU cores.
        progress (bool): Show mmengine's progress bar on stdout.
        save_interval (float): Seconds between periodic rewrites of the meta
            file (it is always written at the end, and after Ctrl-C).

    Returns:
        dict: ``total`` (image files found), ``converted``, ``skipped``
        (already up to date), ``failed`` (list of ``dict(path, reason)``,
        ``path`` relative to ``src_dir``), ``removed`` (entries whose
        source disappeared), ``ignored`` (files with other extensions),
        ``seconds``, ``src_bytes`` and ``cache_bytes`` (sizes of all sources
        in the cache and of their cached files), ``cache_dir``,
        ``meta_path``.
    """
    t0 = time.perf_counter()
    src_dir, cache_dir = osp.abspath(src_dir), osp.abspath(cache_dir)
    if not osp.isdir(src_dir):
        raise FileNotFoundError(f'source folder not found: {src_dir}')
    if osp.realpath(src_dir) == osp.realpath(cache_dir):
        raise ValueError(f'the cache folder must differ from the source '
                         f'folder ({src_dir})')
    if int(long_side) != long_side or long_side < 1:
        raise ValueError(f'long_side must be a positive integer, got '
                         f'{long_side!r}')
    long_side = int(long_side)
    if isinstance(exts, str):
        exts = (exts, )
    os.makedirs(cache_dir, exist_ok=True)
    n_partial = _remove_partials(cache_dir)
    if n_partial:
        logger.info(f'removed {n_partial} partial file(s) of an interrupted '
                    'build')

    old = _load_meta(cache_dir)
    old_files: Dict[str, dict] = old['files'] if old else {}
    if old and (old.get('version') != CACHE_VERSION
                or old.get('long_side') != long_side):
        logger.warning(
            f'{cache_dir}: cache was built with version='
            f'{old.get("version")}, long_side={old.get("long_side")}; '
            f'rebuilding all files for version={CACHE_VERSION}, '
            f'long_side={long_side}')
        valid: Dict[str, dict] = {}
    else:
        valid = dict(old_files)
    meta = dict(version=CACHE_VERSION, long_side=long_side, src_dir=src_dir,
                files=valid)

    rels, ignored = _scan(src_dir, list(exts), cache_dir)
    failed: List[dict] = []

    def fail(rel: str, reason: str) -> None:
        failed.append(dict(path=rel, reason=reason))
        logger.warning(f'cannot cache {osp.join(src_dir, rel)}: {reason}')
        # a stale entry of a source that is now bad must not stay usable
        stale = meta['files'].pop(rel, None)
        if stale is not None:
            try:
                os.remove(osp.join(cache_dir, stale['cache']))
            except OSError:
                pass

    # Entries (and cached files) of sources that no longer exist.
    current = set(rels)
    removed = 0
    for rel in sorted(set(old_files) - current):
        meta['files'].pop(rel, None)
        removed += 1
        try:
            os.remove(osp.join(cache_dir, old_files[rel]['cache']))
        except (OSError, KeyError):
            pass

    jobs, skipped, owner = [], 0, {}
    for rel in rels:
        crel = cache_rel_path(rel)
        if crel in owner:
            fail(rel, f'its cached name {crel} collides with the cache of '
                 f'{owner[crel]}; rename one of them')
            continue
        owner[crel] = rel
        src = osp.join(src_dir, rel)
        try:
            st = os.stat(src)
        except OSError as e:
            fail(rel, f'cannot stat: {e}')
            continue
        entry = meta['files'].get(rel)
        if entry is not None and _is_fresh(entry, st.st_size, st.st_mtime_ns,
                                           cache_dir):
            skipped += 1
            continue
        jobs.append((rel, src, osp.join(cache_dir, crel), long_side,
                     st.st_size, st.st_mtime_ns))

    bar = _Progress(len(rels), progress)
    bar.update(len(rels) - len(jobs))
    converted = 0
    last_save = time.monotonic()
    pool = None
    try:
        if num_workers == -1:
            num_workers = os.cpu_count() or 1
        if num_workers and num_workers > 0 and len(jobs) > 1:
            import multiprocessing as mp
            ctx = mp.get_context('fork') if 'fork' in \
                mp.get_all_start_methods() else mp.get_context()
            pool = ctx.Pool(min(num_workers, len(jobs)))
            results = pool.imap_unordered(_convert_job, jobs, chunksize=1)
        else:
            results = map(_convert_job, jobs)
        for res in results:
            if 'error' in res:
                fail(res['rel'], res['error'])
            else:
                meta['files'][res['rel']] = res['entry']
                converted += 1
            bar.update()
            if time.monotonic() - last_save >= save_interval:
                _save_meta(cache_dir, meta)
                last_save = time.monotonic()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        bar.close()
        _save_meta(cache_dir, meta)  # also after Ctrl-C: keeps finished work

    src_bytes = sum(e['size'] for e in meta['files'].values())
    cache_bytes = sum(e['cache_size'] for e in meta['files'].values())
    return dict(
        total=len(rels),
        converted=converted,
        skipped=skipped,
        failed=failed,
        removed=removed,
        ignored=ignored,
        seconds=time.perf_counter() - t0,
        src_bytes=src_bytes,
        cache_bytes=cache_bytes,
        cache_dir=cache_dir,
        meta_path=osp.join(cache_dir, META_NAME))


# ----------------------------------------------------------------------------
# Lookup
# ----------------------------------------------------------------------------
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
        meta = _load_meta(self.cache_dir)
        if meta is None:
            raise ImageCacheError(
                f'{self.cache_dir}: no {META_NAME}, not an image cache; build '
                'it with: python tools/dataset_converters/build_cache.py '
                f'SRC_DIR {self.cache_dir}')
        if meta.get('version') != CACHE_VERSION:
            raise ImageCacheError(
                f'{self.cache_dir}: cache format version '
                f'{meta.get("version")}, this code reads {CACHE_VERSION}; '
                + _rebuild_hint(meta.get('src_dir', 'SRC_DIR'),
                                self.cache_dir))
        if long_side is not None and meta.get('long_side') != long_side:
            raise ImageCacheError(
                f'{self.cache_dir}: built with long_side='
                f'{meta.get("long_side")}, expected {long_side}; '
                + _rebuild_hint(meta.get('src_dir', 'SRC_DIR'),
                                self.cache_dir))
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
                   + _rebuild_hint(self.src_dir, self.cache_dir))
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
