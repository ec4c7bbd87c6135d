"""Every config under configs/ loads and builds (detectron2's test_setup)."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.runner import Runner

from baa_mm.registry import DATASETS
from baa_mm.utils import register_all_modules, reroot_ann_files
from conftest import REPO, SHARED_DATA

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p)


def _has_ann_files(cfg, root):
    """The label/annotation files the config's datasets name exist under
    ``root`` (pseudo hand masks are generated, not shipped)."""
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[key].dataset
        for name in ('ann_file', 'hand_ann_file'):
            if dataset.get(name) and not osp.isfile(
                    osp.join(root, dataset[name])):
                return False
    return True


def _data_root_for(cfg, phantom_root):
    root = cfg.train_dataloader.dataset.get('data_root', '')
    if 'phantom' in root:
        return phantom_root
    if 'rsna100' in root:
        # the shared thumbnails, or the project's linked copy that also
        # holds the generated pseudo masks (data/README.md)
        for cand in (osp.join(SHARED_DATA, 'rsna100'),
                     osp.join(REPO, 'data', 'rsna100')):
            if osp.isdir(cand) and _has_ann_files(cfg, cand):
                return cand
    return None


def _needs_missing_file(evaluator):
    return any('ann_file' in e and not osp.isfile(e['ann_file'])
               for e in evaluator)


def test_configs_found():
    assert len(CONFIGS) >= 3


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, REPO) for p in CONFIGS])
def test_config_loads_and_builds(path, phantom_root, tmp_path):
    register_all_modules()
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'baa_mm'
    # The Runner checks schedulers, hooks and the model at construction
    # (data loaders and optimizer are built lazily).
    run_cfg = cfg.copy()
    run_cfg.work_dir = str(tmp_path)
    if cfg.model.type == 'BoneAgeEnsemble':
        # test-only configs name checkpoints that training writes: a clear
        # error without them, and the member model builds
        missing = [c for c in cfg.model.checkpoints if not osp.isfile(c)]
        if missing:
            with pytest.raises(FileNotFoundError, match=missing[0]):
                Runner.from_cfg(run_cfg)
            run_cfg.model = cfg.model.model
    runner = Runner.from_cfg(run_cfg)
    assert sum(p.numel() for p in runner.model.parameters()) > 0
    runner.build_optim_wrapper(cfg.optim_wrapper)
    assert all('type' in s for s in cfg.param_scheduler)
    root = _data_root_for(cfg, phantom_root)
    old_root = cfg.train_dataloader.dataset.get('data_root', '')
    for key in ('val_evaluator', 'test_evaluator'):
        # evaluators that read annotation files (COCO metrics) follow the
        # data root, as tools/*.py --data-root makes them do
        evaluator = reroot_ann_files(cfg[key], old_root, root)
        if isinstance(evaluator, dict):
            evaluator = [evaluator]
        if root is not None or not _needs_missing_file(evaluator):
            Evaluator(evaluator)
    if root is None:
        pytest.skip(f'no data for {cfg.train_dataloader.dataset.data_root} '
                    '(or its annotation files not generated; see '
                    'data/README.md)')
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = DATASETS.build(dict(cfg[key].dataset, data_root=root))
        item = dataset[0]
        assert item['inputs'].dim() == 3
