"""Listing the files of an image folder."""
import os
import os.path as osp
from typing import List

__all__ = ['list_folder_files']


def list_folder_files(folder: str) -> List[str]:
    """Sorted names of the regular, non-hidden files of a folder.

    Not filtered by extension: a caller that decodes them reports the ones
    that are not images.

    Args:
        folder (str): The folder (not searched recursively).

    Returns:
        list[str]: File names (not paths), sorted.

    Raises:
        FileNotFoundError: ``folder`` is not a folder.
    """
    if not osp.isdir(folder):
        raise FileNotFoundError(f'image folder not found: {folder}')
    return sorted(n for n in os.listdir(folder)
                  if not n.startswith('.') and osp.isfile(osp.join(folder, n)))
