"""Building (or updating) the resized PNG cache of a radiograph folder.

Resumable: fresh entries are skipped, changed sources converted again,
vanished ones removed; files are written atomically and the meta is saved
every ``save_interval`` seconds and at the end (also after Ctrl-C). See
``docs/image_cache.md``.
"""
import logging
import os
import os.path as osp
import time
from typing import Dict, Iterable, List, Sequence, Tuple

from .convert import cache_rel_path, convert_file
from .meta import (CACHE_VERSION, DEFAULT_EXTS, META_NAME, is_fresh, load_meta,
                   remove_partials, save_meta)

__all__ = ['build_cache']

logger = logging.getLogger(__name__)


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


def _check_args(src_dir: str, cache_dir: str,
                long_side: int) -> Tuple[str, str, int]:
    """Absolute folders and the long side, validated."""
    src_dir, cache_dir = osp.abspath(src_dir), osp.abspath(cache_dir)
    if not osp.isdir(src_dir):
        raise FileNotFoundError(f'source folder not found: {src_dir}')
    if osp.realpath(src_dir) == osp.realpath(cache_dir):
        raise ValueError(f'the cache folder must differ from the source '
                         f'folder ({src_dir})')
    if int(long_side) != long_side or long_side < 1:
        raise ValueError(f'long_side must be a positive integer, got '
                         f'{long_side!r}')
    return src_dir, cache_dir, int(long_side)


def _open_pool(jobs: list, num_workers: int):
    """A worker pool for ``jobs`` (None: convert in this process)."""
    if num_workers == -1:
        num_workers = os.cpu_count() or 1
    if not (num_workers and num_workers > 0 and len(jobs) > 1):
        return None
    import multiprocessing as mp
    ctx = mp.get_context('fork') if 'fork' in \
        mp.get_all_start_methods() else mp.get_context()
    return ctx.Pool(min(num_workers, len(jobs)))


class _CacheBuild:
    """One run of :func:`build_cache`: the meta being built and the
    failures."""

    def __init__(self, src_dir: str, cache_dir: str, long_side: int):
        self.src_dir, self.cache_dir = src_dir, cache_dir
        self.long_side = long_side
        self.failed: List[dict] = []
        self.old_files: Dict[str, dict] = {}
        self.meta = dict(version=CACHE_VERSION, long_side=long_side,
                         src_dir=src_dir, files={})

    def load_previous(self) -> None:
        """Start from the previous build's entries (none when it used other
        settings)."""
        old = load_meta(self.cache_dir)
        self.old_files = old['files'] if old else {}
        if old and (old.get('version') != CACHE_VERSION
                    or old.get('long_side') != self.long_side):
            logger.warning(
                f'{self.cache_dir}: cache was built with version='
                f'{old.get("version")}, long_side={old.get("long_side")}; '
                f'rebuilding all files for version={CACHE_VERSION}, '
                f'long_side={self.long_side}')
        else:
            self.meta['files'] = dict(self.old_files)

    def _remove_cached(self, entry: dict) -> None:
        try:
            os.remove(osp.join(self.cache_dir, entry['cache']))
        except (OSError, KeyError):
            pass

    def fail(self, rel: str, reason: str) -> None:
        """Record a failure; a stale entry of that source is removed (it
        must not stay usable)."""
        self.failed.append(dict(path=rel, reason=reason))
        logger.warning(f'cannot cache {osp.join(self.src_dir, rel)}: '
                       f'{reason}')
        stale = self.meta['files'].pop(rel, None)
        if stale is not None:
            self._remove_cached(stale)

    def remove_vanished(self, rels: Sequence[str]) -> int:
        """Drop the entries (and cached files) of sources that no longer
        exist; returns how many."""
        vanished = sorted(set(self.old_files) - set(rels))
        for rel in vanished:
            self.meta['files'].pop(rel, None)
            self._remove_cached(self.old_files[rel])
        return len(vanished)

    def plan(self, rels: Sequence[str]) -> Tuple[List[tuple], int]:
        """The conversion jobs (see :func:`~.convert.convert_file`) and how
        many sources are up to date."""
        jobs, skipped, owner = [], 0, {}
        for rel in rels:
            crel = cache_rel_path(rel)
            if crel in owner:
                self.fail(rel, f'its cached name {crel} collides with the '
                          f'cache of {owner[crel]}; rename one of them')
                continue
            owner[crel] = rel
            src = osp.join(self.src_dir, rel)
            try:
                st = os.stat(src)
            except OSError as e:
                self.fail(rel, f'cannot stat: {e}')
                continue
            entry = self.meta['files'].get(rel)
            if entry is not None and is_fresh(entry, st.st_size,
                                              st.st_mtime_ns, self.cache_dir):
                skipped += 1
                continue
            jobs.append((rel, src, osp.join(self.cache_dir, crel),
                         self.long_side, st.st_size, st.st_mtime_ns))
        return jobs, skipped

    def convert(self, jobs: List[tuple], num_workers: int, bar: _Progress,
                save_interval: float) -> int:
        """Run the jobs; the meta is saved periodically and always at the
        end (also after Ctrl-C). Returns how many were converted."""
        converted = 0
        last_save = time.monotonic()
        pool = None
        try:
            pool = _open_pool(jobs, num_workers)
            results = map(convert_file, jobs) if pool is None else \
                pool.imap_unordered(convert_file, jobs, chunksize=1)
            for res in results:
                if 'error' in res:
                    self.fail(res['rel'], res['error'])
                else:
                    self.meta['files'][res['rel']] = res['entry']
                    converted += 1
                bar.update()
                if time.monotonic() - last_save >= save_interval:
                    save_meta(self.cache_dir, self.meta)
                    last_save = time.monotonic()
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
            bar.close()
            save_meta(self.cache_dir, self.meta)  # keeps finished work
        return converted


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
    src_dir, cache_dir, long_side = _check_args(src_dir, cache_dir,
                                                long_side)
    if isinstance(exts, str):
        exts = (exts, )
    os.makedirs(cache_dir, exist_ok=True)
    n_partial = remove_partials(cache_dir)
    if n_partial:
        logger.info(f'removed {n_partial} partial file(s) of an interrupted '
                    'build')
    run = _CacheBuild(src_dir, cache_dir, long_side)
    run.load_previous()
    rels, ignored = _scan(src_dir, list(exts), cache_dir)
    removed = run.remove_vanished(rels)
    jobs, skipped = run.plan(rels)
    bar = _Progress(len(rels), progress)
    bar.update(len(rels) - len(jobs))
    converted = run.convert(jobs, num_workers, bar, save_interval)
    files = run.meta['files'].values()
    return dict(
        total=len(rels),
        converted=converted,
        skipped=skipped,
        failed=run.failed,
        removed=removed,
        ignored=ignored,
        seconds=time.perf_counter() - t0,
        src_bytes=sum(e['size'] for e in files),
        cache_bytes=sum(e['cache_size'] for e in files),
        cache_dir=cache_dir,
        meta_path=osp.join(cache_dir, META_NAME))
