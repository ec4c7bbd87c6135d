"""Config helpers shared by the tools (``--data-root``)."""
import os.path as osp
from typing import Sequence

from mmengine.config import Config

__all__ = ['apply_data_root']

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _set_data_root(dataset_cfg, root: str) -> None:
    """Set ``data_root`` on a dataset config and any wrapped datasets."""
    if isinstance(dataset_cfg, dict):
        if 'data_root' in dataset_cfg or 'ann_file' in dataset_cfg:
            dataset_cfg['data_root'] = root
        for key in ('dataset', 'datasets'):
            if key in dataset_cfg:
                _set_data_root(dataset_cfg[key], root)
    elif isinstance(dataset_cfg, (list, tuple)):
        for d in dataset_cfg:
            _set_data_root(d, root)


def apply_data_root(cfg: Config,
                    data_root: str = None,
                    loaders: Sequence[str] = DATALOADERS) -> None:
    """Override every dataset's data root (``--data-root``) and check that
    the roots the run will read exist.

    Metrics read their annotation files under the evaluated dataset's
    ``data_root`` (``baa_mm.evaluation.metrics.dataset_file``), so they
    follow without being rewritten here.

    Args:
        cfg (Config): The config, changed in place.
        data_root (str, optional): The new root; None only checks.
        loaders (Sequence[str]): Dataloaders whose roots must exist.

    Raises:
        SystemExit: a root that does not exist, with a hint.
    """
    if data_root is not None:
        cfg.data_root = data_root
        for name in DATALOADERS:
            if cfg.get(name) is not None:
                _set_data_root(cfg[name]['dataset'], data_root)
    for name in loaders:
        loader = cfg.get(name)
        if loader is None:
            continue
        root = loader['dataset'].get('data_root')
        if root and not osp.isdir(root):
            raise SystemExit(
                f'error: data root {root!r} of {name} does not exist. Pass '
                '--data-root PATH (e.g. ../shared/data/rsna100) or see '
                'data/README.md for the expected layout.')
