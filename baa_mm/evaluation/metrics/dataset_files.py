"""Files a metric reads next to the data it evaluates."""
import os.path as osp
from typing import Optional

__all__ = ['dataset_file']


def dataset_file(path: str, dataset_meta: Optional[dict],
                 owner: str) -> str:
    """Resolve a metric's annotation file as datasets resolve theirs.

    A relative ``path`` is joined to the evaluated dataset's ``data_root``
    (which baa_mm's datasets put in their metainfo), so that changing the
    data root (``--data-root``, ``--cfg-options``) moves the metric's file
    too; an absolute path, or a dataset without a data root, keeps ``path``.

    Raises:
        FileNotFoundError: naming the metric and the resolved path.
    """
    root = (dataset_meta or {}).get('data_root')
    full = osp.join(root, path) if root and not osp.isabs(path) else path
    if not osp.isfile(full):
        where = f' (under the dataset root {root!r})' if full != path else ''
        raise FileNotFoundError(
            f'{owner}: annotation file {full} not found{where}')
    return full
