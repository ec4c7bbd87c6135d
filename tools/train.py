"""Train a bone-age model (a thin wrapper over mmengine's Runner).

Example:
    python tools/train.py configs/baseline/baseline_r18_1xb64-20e_rsna100-128px.py \
        --data-root ../shared/data/rsna100 --work-dir work_dirs/r18_rsna100
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from baa_mm.registry import RUNNERS
from baa_mm.engine import mmengine_checkpoint_globals
from baa_mm.utils import (apply_data_root, close_process_group,
                          register_all_modules, setup_launcher)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a bone-age model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='directory for logs and checkpoints')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, without a path, from the '
        'latest checkpoint in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: AmpOptimWrapper on CUDA, bf16 autocast '
        '(Bf16OptimWrapper) on CPU; fp32 with a warning on a CPU without '
        'fast bf16 kernels')
    parser.add_argument('--data-root', help='override every dataset data_root')
    parser.add_argument(
        '--no-validate', action='store_true', help='skip validation')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the lr by the total batch size (auto_scale_lr in config)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, xxx=yyy format')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args) -> Config:
    """Fold the command line into the config."""
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper in ('OptimWrapper', 'Bf16OptimWrapper'):
            if torch.cuda.is_available():
                cfg.optim_wrapper.type = 'AmpOptimWrapper'
                cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
            else:
                cfg.optim_wrapper.type = 'Bf16OptimWrapper'
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
        cfg.default_hooks.checkpoint.pop('save_best', None)
    if args.auto_scale_lr:
        cfg.setdefault('auto_scale_lr', {})['enable'] = True
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    loaders = ['train_dataloader'] + ([] if args.no_validate else
                                      ['val_dataloader'])
    apply_data_root(cfg, args.data_root, loaders)
    setup_launcher(cfg, args.launcher)

    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    # Resuming reads the message hub: allow-list its globals (torch>=2.6).
    with mmengine_checkpoint_globals():
        runner.train()
    del runner  # its DDP model holds the process group (see the function)
    close_process_group()


if __name__ == '__main__':
    main()
