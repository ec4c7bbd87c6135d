"""MAE of always predicting the training mean (the floor a model must beat).

Example:
    python tools/analysis_tools/mean_predictor_mae.py CONFIG [--data-root DIR]
"""
import argparse

import numpy as np
from mmengine.config import Config

from baa_mm.evaluation import bone_age_metrics
from baa_mm.registry import DATASETS
from baa_mm.utils import register_all_modules


def _ages(dataset_cfg) -> np.ndarray:
    cfg = dict(dataset_cfg, pipeline=[], lazy_init=False)
    dataset = DATASETS.build(cfg)
    return np.array([dataset.get_data_info(i)['gt_age']
                     for i in range(len(dataset))])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--data-root')
    parser.add_argument('--split', default='test_dataloader',
                        choices=['val_dataloader', 'test_dataloader'])
    args = parser.parse_args()
    register_all_modules()
    cfg = Config.fromfile(args.config)
    train_cfg = cfg.train_dataloader.dataset
    eval_cfg = cfg[args.split].dataset
    if args.data_root:
        train_cfg.data_root = eval_cfg.data_root = args.data_root
    train_ages, eval_ages = _ages(train_cfg), _ages(eval_cfg)
    mean = float(train_ages.mean())
    m = bone_age_metrics(np.full_like(eval_ages, mean), eval_ages)
    print(f'train mean {mean:.2f} over {len(train_ages)} images; '
          f'mean-predictor MAE on {eval_cfg.ann_file} '
          f'({len(eval_ages)} images): {m["MAE"]:.2f}')


if __name__ == '__main__':
    main()
