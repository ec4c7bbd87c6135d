"""Evaluate a checkpoint: MAE (months) and friends, optional per-image CSV.

Examples:
    python tools/test.py CONFIG work_dirs/x/epoch_30.pth --out preds.csv
    python tools/test.py CONFIG a.pth b.pth c.pth     # ensemble (mean age)
    python tools/test.py CONFIG_A a.pth --out a.csv   # members of different
    python tools/test.py CONFIG_B b.pth --out b.csv   # configs: late fusion
    python tools/analysis_tools/fuse_predictions.py a.csv b.csv --out ab.csv
    python tools/test.py ENSEMBLE_CONFIG              # names its checkpoints
    python tools/test.py CONFIG CKPT --show-dir vis   # draw predictions
    python tools/test.py CONFIG CKPT --tta            # mean over flips
"""
import argparse
import copy
import os
import os.path as osp

from mmengine.config import Config, ConfigDict, DictAction
from mmengine.runner import Runner

from baa_mm.registry import RUNNERS
from baa_mm.engine import mmengine_checkpoint_globals
from baa_mm.utils import (apply_data_root, close_process_group,
                          register_all_modules, setup_launcher)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a bone-age model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint',
        nargs='*',
        help='checkpoint file; several: evaluate their ensemble (mean age, '
        'e.g. seeds of one config: every member gets the same test '
        'pipeline); none: the config is an ensemble config naming its '
        'checkpoints. Members of different configs / input sizes: test each '
        'with --out, then average the CSVs with '
        'tools/analysis_tools/fuse_predictions.py')
    parser.add_argument('--work-dir', help='directory for the test logs')
    parser.add_argument(
        '--out', help='write per-image predictions to this .csv file (the '
        'input of tools/analysis_tools/fuse_predictions.py)')
    parser.add_argument('--data-root', help='override every dataset data_root')
    parser.add_argument(
        '--show-dir',
        help='draw predictions (age, selected parts, hand masks and every '
        'map in pred_maps) into this folder (relative: under '
        'work_dir/timestamp)')
    parser.add_argument(
        '--show-interval', type=int, default=1,
        help='with --show-dir: draw every N-th batch')
    parser.add_argument(
        '--tta',
        action='store_true',
        help='test-time augmentation: the mean age over augmented views. '
        'Uses the config\'s tta_model and tta_pipeline when it has them; '
        'otherwise BoneAgeTTAModel over the test pipeline with and without '
        'a horizontal flip (see BoneAgeTTAModel)')
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
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def enable_tta(cfg: Config) -> Config:
    """Wrap ``cfg.model`` in ``cfg.tta_model`` and test with
    ``cfg.tta_pipeline`` (as mmpretrain's tools/test.py does).

    Defaults: ``dict(type='BoneAgeTTAModel')`` and the test pipeline with
    ``TestTimeAug`` over [identity, horizontal flip] (identity first: the
    merged sample keeps the first view's fields) inserted before the packer,
    or before ``StoreFullResImage`` when the pipeline keeps a full-resolution
    copy, so that the copy is flipped with the input.
    Changes ``cfg`` in place and returns it.
    """
    if 'tta_model' not in cfg:
        cfg.tta_model = dict(type='BoneAgeTTAModel')
    if 'tta_pipeline' not in cfg:
        test_pipeline = cfg.test_dataloader.dataset.get('pipeline')
        if not test_pipeline or 'Pack' not in str(
                test_pipeline[-1].get('type', '')):
            raise SystemExit(
                'error: --tta needs test_dataloader.dataset.pipeline ending '
                'in a packing transform, or a tta_pipeline in the config')
        steps = copy.deepcopy(test_pipeline)
        # The flip goes right before the packer, or before the
        # full-resolution copy where there is one (PRSNet crops its parts
        # from that copy, which must show the flipped view too).
        cut = next((k for k, t in enumerate(steps) if str(t.get(
            'type', '')).endswith('StoreFullResImage')), len(steps) - 1)
        cfg.tta_pipeline = steps[:cut] + [dict(
            type='TestTimeAug',
            transforms=[
                [dict(type='RandomFlip', prob=0.),
                 dict(type='RandomFlip', prob=1., direction='horizontal')],
                *[[t] for t in steps[cut:]],
            ])]
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    for ckpt in args.checkpoint:
        if not osp.isfile(ckpt):
            raise SystemExit(f'error: checkpoint not found: {ckpt}')
    if len(args.checkpoint) == 1:
        cfg.load_from = args.checkpoint[0]
    elif len(args.checkpoint) > 1:
        cfg.model = dict(type='BoneAgeEnsemble', model=cfg.model,
                         checkpoints=args.checkpoint)
        cfg.load_from = None
    elif cfg.model.get('type') != 'BoneAgeEnsemble':
        raise SystemExit('error: give a checkpoint (or several for an '
                         'ensemble)')
    if args.tta:
        if args.show_dir is not None:
            raise SystemExit('error: --show-dir draws single views; run it '
                             'without --tta')
        enable_tta(cfg)
    apply_data_root(cfg, args.data_root, ['test_dataloader'])
    setup_launcher(cfg, args.launcher)
    if args.out is not None:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [
            dict(type='DumpBoneAgePredictions', out_file_path=args.out)]

    if args.show_dir is not None:
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='BoneAgeVisualizationHook', out_dir=args.show_dir,
                 interval=args.show_interval)]

    runner = RUNNERS.build(cfg) if 'runner_type' in cfg \
        else Runner.from_cfg(cfg)
    with mmengine_checkpoint_globals():
        metrics = runner.test()
    if runner.rank == 0:
        dataset = runner.test_dataloader.dataset
        unit = dataset.metainfo.get('age_unit', '')
        # name the evaluated split: some configs evaluate a validation split
        split = getattr(dataset, 'ann_file', '') or 'test_dataloader'
        summary = ', '.join(f'{k}={v:.3f}' for k, v in metrics.items())
        print(f'\nResults on {split} ({unit}): {summary}')
        mae = metrics.get('bone_age/MAE')
        if mae is not None:
            print(f'MAE on {split}: {mae:.2f} {unit}')
    del runner  # its DDP model holds the process group
    close_process_group()


if __name__ == '__main__':
    main()
