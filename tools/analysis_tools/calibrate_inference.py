"""Calibrate a checkpoint for inference: out-of-distribution threshold,
interval half-width and label range, on the config's selection split.

Features of ``--fit-images`` training images (test pipeline, no
augmentation) give the feature distribution; the selection split
(``val_dataloader``: a holdout carved from the training data, never the
reported split) gives the OOD thresholds (each distance's
⌈(n + 1)(1 - --ood-rate / k)⌉-th smallest value, k distances: a
selection-like image is refused with probability at most --ood-rate) and
the split-conformal half-width for ``--coverage``. The result,
``<checkpoint stem>_calibration.npz``, is picked up by
:class:`baa_mm.apis.BoneAgeInferencer` and ``tools/infer.py``.

Example:
    python tools/analysis_tools/calibrate_inference.py \\
        configs/baseline/baseline-ema_r18_1xb64-40e_rsna100-128px.py \\
        work_dirs/.../best.pth --data-root ../shared/data/rsna100
"""
import argparse
import copy
import os.path as osp
from typing import Dict, Tuple

import numpy as np
from mmengine.dataset import pseudo_collate
from mmengine.utils import ProgressBar
from torch.utils.data import DataLoader

from baa_mm.apis import init_estimator
from baa_mm.apis.inference import model_age_unit
from baa_mm.apis.calibration import (GaussianScore, InferenceCalibration,
                                     conformal_quantile)
from baa_mm.apis.inference import describe_batch, predict_batch
from baa_mm.registry import DATASETS
from baa_mm.utils import apply_data_root


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--data-root', help='override every data_root')
    parser.add_argument('--out', help='default: <checkpoint stem>'
                        '_calibration.npz')
    parser.add_argument('--fit-images', type=int, default=2000,
                        help='training images for the feature distribution')
    parser.add_argument('--coverage', type=float, default=0.9)
    parser.add_argument('--ood-rate', type=float, default=0.01,
                        help='share of the selection split refused')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def run_dataset(model, dataset, batch_size: int
                ) -> Tuple[np.ndarray, np.ndarray, Dict[str, np.ndarray]]:
    """Predictions (N,), labels (N,) and OOD descriptors (name → (N, D);
    see :func:`baa_mm.apis.inference.describe_batch`) of a dataset."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False,
                        collate_fn=pseudo_collate, num_workers=0)
    preds, gts, descs = [], [], []
    bar = ProgressBar(len(dataset))
    for data in loader:
        out = predict_batch(model, data)
        preds += [float(s.pred_age) for s in out]
        gts += [float(s.gt_age) for s in data['data_samples']]
        descs.append(describe_batch(model, data))
        bar.update(len(out))
    print()
    joined = {name: np.concatenate([d[name] for d in descs])
              for name, first in descs[0].items() if first is not None}
    return np.array(preds), np.array(gts), joined


def build_sets(cfg, fit_images: int):
    """(training images for the fit, all training labels, selection split)
    datasets, with the test pipeline."""
    test_pipeline = cfg.test_dataloader.dataset.pipeline
    train_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    train_cfg.pipeline = test_pipeline
    full = DATASETS.build(train_cfg)
    train_cfg.indices = min(fit_images, len(full))
    fit = DATASETS.build(train_cfg)
    sel_cfg = copy.deepcopy(cfg.val_dataloader.dataset)
    sel_cfg.pipeline = test_pipeline
    return fit, full, DATASETS.build(sel_cfg)


def main(argv=None) -> InferenceCalibration:
    args = parse_args(argv)
    model = init_estimator(args.config, args.checkpoint, args.device)
    cfg = model.cfg
    if cfg.get('val_dataloader') is None:
        raise SystemExit(
            f'error: {args.config} has no val_dataloader: its model trained '
            'on every training row, so no held-out images are left to set '
            'thresholds and interval widths on (they would be too narrow). '
            'Calibrate a checkpoint of a config with a selection split '
            '(e.g. the same recipe with id_subset holdout)')
    apply_data_root(cfg, args.data_root,
                    ['train_dataloader', 'val_dataloader', 'test_dataloader'])
    fit, full, sel = build_sets(cfg, args.fit_images)
    ages = [full.get_data_info(i)['gt_age'] for i in range(len(full))]
    print(f'fit: {len(fit)} training images; selection split: {len(sel)}')
    _, _, fit_desc = run_dataset(model, fit, args.batch_size)
    sel_pred, sel_gt, sel_desc = run_dataset(model, sel, args.batch_size)
    # each score refuses ood_rate / k of the selection split: the union
    # refuses at most ood_rate of it
    scores, info = {}, {}
    for name, train in fit_desc.items():
        score = GaussianScore.fit(train)
        dists = score(sel_desc[name])
        # the conformal rank: P(a new selection-like image is refused
        # by this score) <= ood_rate / k
        score.threshold = conformal_quantile(
            dists, 1 - args.ood_rate / len(fit_desc))
        scores[name] = score
        info[f'{name}_median_distance'] = dict(
            fit=float(np.median(score(train))),
            selection=float(np.median(dists)))
    calib = InferenceCalibration(
        scores=scores, ood_rate=args.ood_rate, coverage=args.coverage,
        halfwidth=conformal_quantile(sel_pred - sel_gt, args.coverage),
        label_range=(float(min(ages)), float(max(ages))),
        unit=model_age_unit(cfg))
    _, reasons = calib.refusal(sel_desc)
    calib.info = dict(
        config=args.config, checkpoint=args.checkpoint,
        num_fit=len(fit), num_selection=len(sel),
        selection_mae=float(np.abs(sel_pred - sel_gt).mean()),
        selection_refused=float(np.mean([r is not None for r in reasons])),
        **info)
    out = args.out or f'{osp.splitext(args.checkpoint)[0]}_calibration.npz'
    calib.save(out)
    print(f'selection MAE {calib.info["selection_mae"]:.2f} {calib.unit}; '
          f'{args.coverage:.0%} interval: ±{calib.halfwidth:.2f}; label '
          f'range {calib.label_range}; refused on the selection split: '
          f'{calib.info["selection_refused"]:.1%}')
    for name, score in scores.items():
        med = info[f'{name}_median_distance']
        print(f'  {name} distance: threshold {score.threshold:.2f} (median '
              f'training {med["fit"]:.2f}, selection {med["selection"]:.2f})')
    print(f'wrote {out}')
    return calib


if __name__ == '__main__':
    main()
