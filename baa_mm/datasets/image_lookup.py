"""Finding the image file of an id in one or more folders (no mmengine).

A label table names images by id; the files may lie in several folders (the
RSNA validation set ships as two zips), one level deeper than expected (a
zip unpacked into a folder of its own name) or with mixed extensions.
:class:`ImageIndex` lists the folders once (``os.scandir`` / ``os.walk``,
never one ``stat`` per candidate) and answers, per id, the one file that
matches, or why there is none:

- no file: ``no image for id '1386' (.png) in [...] (flat search)``;
- several files (two folders, two extensions): an error naming all of them.

Suffixes match the end of a file name case-insensitively (``1386.PNG`` is
found with ``'.png'``); the longest matching suffix decides the id. Hidden
files and folders (names starting with ``.``) are never indexed.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple, Union

from .image_cache.meta import DEFAULT_EXTS

__all__ = [
    'IMAGE_EXTS', 'IMG_SEARCH_MODES', 'ImageLookupError', 'ImageIndex',
    'parse_img_suffix', 'parse_img_dirs'
]

#: The extensions ``img_suffix='auto'`` accepts (those the readers decode).
IMAGE_EXTS: Tuple[str, ...] = tuple(DEFAULT_EXTS)
#: 'flat': files directly in the folders; 'recursive': anywhere under them.
IMG_SEARCH_MODES = ('flat', 'recursive')


class ImageLookupError(ValueError):
    """An id has no image file, or more than one."""


def parse_img_suffix(img_suffix: Union[str, Sequence[str]]
                     ) -> Tuple[str, ...]:
    """``img_suffix`` as a tuple of suffixes.

    Args:
        img_suffix (str | Sequence[str]): One suffix (``'.png'``), several
            (``['.png', '.dcm']``) or ``'auto'`` (every extension of
            :data:`IMAGE_EXTS`).

    Returns:
        tuple[str]: The suffixes, as given.

    Raises:
        ValueError: Empty, or not a string / list of non-empty strings.
    """
    if img_suffix == 'auto':
        return IMAGE_EXTS
    suffixes = (img_suffix, ) if isinstance(img_suffix, str) else img_suffix
    if (not isinstance(suffixes, (list, tuple)) or not suffixes
            or not all(isinstance(s, str) and s for s in suffixes)):
        raise ValueError("img_suffix must be a non-empty string, a list of "
                         f"them or 'auto', got {img_suffix!r}")
    return tuple(suffixes)


def parse_img_dirs(img_path: Union[str, Sequence[str]]) -> List[str]:
    """``data_prefix['img_path']`` as a list of folders (str or list)."""
    dirs = [img_path] if isinstance(img_path, str) else img_path
    if (not isinstance(dirs, (list, tuple)) or not dirs
            or not all(isinstance(d, str) for d in dirs)):
        raise ValueError('data_prefix img_path must be a folder or a '
                         f'non-empty list of folders, got {img_path!r}')
    return list(dirs)


def _walk(folder: str, recursive: bool):
    """Yield the paths of the regular, non-hidden files of ``folder`` (and,
    when ``recursive``, of its non-hidden subfolders; linked folders are
    followed once)."""
    if not recursive:
        with os.scandir(folder) as it:
            for entry in it:
                if not entry.name.startswith('.') and entry.is_file():
                    yield entry.path
        return
    seen = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = osp.realpath(root)
        if real in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
        for name in files:
            if not name.startswith('.'):
                yield osp.join(root, name)


class ImageIndex:
    """The image files of some folders, by id.

    Args:
        folders (Sequence[str]): Folders to index (each must exist).
        img_suffix (str | Sequence[str]): See :func:`parse_img_suffix`.
        search (str): 'flat' (files directly in the folders) or 'recursive'
            (anywhere below them).

    Attributes:
        files (dict[str, list[str]]): id -> every matching file.
        other_files (list[str]): Files matching no suffix (not images, or
            another extension), sorted.

    Raises:
        FileNotFoundError: A folder does not exist (the error names it).
    """

    def __init__(self,
                 folders: Sequence[str],
                 img_suffix: Union[str, Sequence[str]] = 'auto',
                 search: str = 'flat'):
        if search not in IMG_SEARCH_MODES:
            raise ValueError(f'img_search must be one of {IMG_SEARCH_MODES}, '
                             f'got {search!r}')
        self.folders = parse_img_dirs(folders)
        self.suffixes = parse_img_suffix(img_suffix)
        self.search = search
        self.files: Dict[str, List[str]] = {}
        self.other_files: List[str] = []
        by_length = sorted(self.suffixes, key=len, reverse=True)
        lowered = [s.lower() for s in by_length]
        for folder in self.folders:
            if not osp.isdir(folder):
                raise FileNotFoundError(f'image folder not found: {folder}')
            for path in _walk(folder, search == 'recursive'):
                name = osp.basename(path)
                low = name.lower()
                suffix = next((s for s in lowered if low.endswith(s)
                               and len(name) > len(s)), None)
                if suffix is None:
                    self.other_files.append(path)
                else:
                    self.files.setdefault(name[:-len(suffix)],
                                          []).append(path)
        for paths in self.files.values():
            paths.sort()
        self.other_files.sort()

    def __len__(self) -> int:
        return len(self.files)

    def describe(self) -> str:
        """Where ids are looked for, for messages."""
        suffix = 'any image extension' if self.suffixes == IMAGE_EXTS \
            else '|'.join(self.suffixes)
        return f'({suffix}) in {self.folders} ({self.search} search)'

    def problem(self, img_id: str) -> Optional[str]:
        """Why ``img_id`` has no single image file, or None."""
        paths = self.files.get(img_id, [])
        if not paths:
            return f'no image for id {img_id!r} {self.describe()}'
        if len(paths) > 1:
            return (f'image id {img_id!r} matches {len(paths)} files: '
                    + ', '.join(paths))
        return None

    def find(self, img_id: str) -> str:
        """The one image file of ``img_id``.

        Raises:
            ImageLookupError: No file, or several (named).
        """
        reason = self.problem(img_id)
        if reason is not None:
            raise ImageLookupError(reason)
        return self.files[img_id][0]

    def duplicates(self) -> Dict[str, List[str]]:
        """The ids with more than one file, and their files."""
        return {k: v for k, v in self.files.items() if len(v) > 1}
