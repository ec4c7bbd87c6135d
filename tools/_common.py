"""Helpers shared by tools/train.py and tools/test.py (not part of the API)."""
import os
import os.path as osp
import sys

import torch
from mmengine.config import Config

# Make `import baa_mm` work from a source checkout without installation.
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..')))

from baa_mm.utils import (init_cpu_process_group,  # noqa: E402
                          reroot_ann_files)

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


def apply_data_root(cfg: Config, data_root: str = None,
                    loaders=DATALOADERS) -> None:
    """Override the data root (``--data-root``) and check that it exists."""
    if data_root is not None:
        old_root = cfg.get('data_root')
        cfg.data_root = data_root
        # Evaluators reading annotation files under the old data root (e.g.
        # PartHitMetric) follow the new one.
        if old_root:
            for key in ('val_evaluator', 'test_evaluator'):
                if cfg.get(key) is not None:
                    cfg[key] = reroot_ann_files(cfg[key], old_root,
                                                data_root)
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


def setup_launcher(cfg: Config, launcher: str) -> None:
    """Prepare distributed runs, including CPU-only machines (gloo)."""
    cfg.launcher = launcher
    if 'LOCAL_RANK' not in os.environ and launcher != 'none':
        os.environ['LOCAL_RANK'] = '0'
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise SystemExit(f'error: --launcher {launcher} needs CUDA; on CPU '
                         'use --launcher pytorch (tools/dist_train.sh).')
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    init_cpu_process_group('gloo')
    # DDP on a CPU module must not get device_ids.
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
