"""Measure self-validation both ways, and the intervals' coverage.

Runs :class:`baa_mm.apis.BoneAgeInferencer` (with the checkpoint's
calibration, see ``calibrate_inference.py``) over

- real radiographs with labels (``--real-csv`` + ``--real-dir``, e.g.
  rsna100's ``val.csv``, the reported split): the share refused (target
  ≤ 1 %), the interval coverage and mean width, MAE of the accepted;
- inputs that are not hand radiographs, generated into
  ``--out-dir/negatives``: blank and low-contrast images, uniform and
  Gaussian noise, rendered text, geometric shapes, photographs (the two
  sample photos shipped with scikit-learn, several crops) and the CT / MR /
  other DICOM images shipped with pydicom: the share refused per kind
  (target ≥ 95 %).

Refused means no age returned: ``rejected`` (a named check or the OOD
distances) or ``error`` (e.g. a DICOM without pixel data), counted apart.
Prints one table; ``--out-dir`` also gets every row (``rows.csv``) and the
summary (``summary.json``).

Example:
    python tools/analysis_tools/eval_self_validation.py CONFIG CKPT \\
        --real-csv ../shared/data/rsna100/val.csv \\
        --real-dir ../shared/data/rsna100/val --out-dir work_dirs/selfval
"""
import argparse
import glob
import json
import os
import os.path as osp
from typing import Dict, List

import cv2
import numpy as np

from baa_mm.apis import BoneAgeInferencer
from baa_mm.datasets.label_file import read_label_file


def _write(folder: str, name: str, img: np.ndarray) -> None:
    os.makedirs(folder, exist_ok=True)
    cv2.imwrite(osp.join(folder, f'{name}.png'), img)


def make_negatives(root: str, seed: int = 0) -> Dict[str, List[str]]:
    """Write the non-hand inputs; returns kind → paths."""
    rng = np.random.default_rng(seed)
    sizes = (100, 128, 256, 512)
    for k in range(8):
        s = sizes[k % 4]
        _write(f'{root}/blank', f'gray{k}',
               np.full((s, s), 30 * k, np.uint8))
        _write(f'{root}/blank', f'faint{k}',
               (120 + rng.integers(0, 4, (s, s))).astype(np.uint8))
        _write(f'{root}/noise', f'uniform{k}',
               rng.integers(0, 256, (s, s)).astype(np.uint8))
        _write(f'{root}/noise', f'gauss{k}', np.clip(
            rng.normal(128, 20 + 10 * k, (s, s)), 0, 255).astype(np.uint8))
        text = np.full((s, s), 255 if k % 2 else 0, np.uint8)
        for line in range(1 + s // 40):
            cv2.putText(text, f'Report {k} line {line}', (4, 20 + 30 * line),
                        cv2.FONT_HERSHEY_SIMPLEX, s / 400,
                        0 if k % 2 else 255, 1)
        _write(f'{root}/text', f'text{k}', text)
        shapes = np.zeros((s, s), np.uint8)
        for _ in range(3 + k):
            x, y = rng.integers(0, s, 2)
            cv2.circle(shapes, (int(x), int(y)), int(rng.integers(5, s // 4)),
                       int(rng.integers(60, 256)), -1)
        _write(f'{root}/shapes', f'shapes{k}', shapes)
    try:
        from sklearn.datasets import load_sample_images
        for i, photo in enumerate(load_sample_images().images):
            gray = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)
            h, w = gray.shape
            crops = [gray, gray[:, :h], gray[:, w - h:],
                     gray[h // 4:3 * h // 4, w // 4:3 * w // 4]]
            for j, crop in enumerate(crops):
                _write(f'{root}/photo', f'photo{i}_{j}', crop)
    except ImportError:
        pass
    import pydicom
    dicom_dir = osp.join(osp.dirname(pydicom.__file__), 'data', 'test_files')
    kinds = {kind: sorted(glob.glob(f'{root}/{kind}/*.png'))
             for kind in ('blank', 'noise', 'text', 'shapes', 'photo')}
    kinds['dicom (pydicom test files)'] = sorted(
        glob.glob(osp.join(dicom_dir, '**', '*.dcm'), recursive=True))
    return kinds


def real_inputs(csv_path: str, img_dir: str):
    rows = read_label_file(csv_path)
    paths = [osp.join(img_dir, f'{r.img_id}.png') for r in rows]
    return paths, [r.sex for r in rows], np.array([r.age for r in rows])


def summarize(rows: List[dict]) -> dict:
    n = len(rows)
    refused = sum(r['status'] != 'ok' for r in rows)
    return dict(n=n, refused=refused, refused_share=refused / max(n, 1),
                errors=sum(r['status'] == 'error' for r in rows))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--calibration', default='auto')
    parser.add_argument('--real-csv', required=True)
    parser.add_argument('--real-dir', required=True)
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--batch-size', type=int, default=32)
    args = parser.parse_args(argv)
    inferencer = BoneAgeInferencer(args.config, args.checkpoint, 'cpu',
                                   calibration=args.calibration,
                                   show_progress=False)
    if inferencer.calibration is None:
        parser.error('no calibration: run calibrate_inference.py first')
    paths, sexes, ages = real_inputs(args.real_csv, args.real_dir)
    rows = inferencer(paths, sex=sexes, batch_size=args.batch_size)
    ok = np.array([r['status'] == 'ok' for r in rows])
    pred = np.array([r['pred_age'] if r['status'] == 'ok' else np.nan
                     for r in rows], np.float64)
    lower = np.array([r['lower'] if r['status'] == 'ok' else np.nan
                      for r in rows], np.float64)
    upper = np.array([r['upper'] if r['status'] == 'ok' else np.nan
                      for r in rows], np.float64)
    real = summarize(rows)
    real.update(
        nominal_coverage=inferencer.calibration.coverage,
        coverage=float(((ages >= lower) & (ages <= upper))[ok].mean()),
        mean_width=float((upper - lower)[ok].mean()),
        mae_accepted=float(np.abs(pred - ages)[ok].mean()))
    summary = {'real radiographs': real}
    all_rows = [dict(r, kind='real') for r in rows]
    for kind, files in make_negatives(
            osp.join(args.out_dir, 'negatives')).items():
        kind_rows = inferencer(files, sex='F', batch_size=args.batch_size)
        summary[kind] = summarize(kind_rows)
        all_rows += [dict(r, kind=kind) for r in kind_rows]
    negatives = [r for r in all_rows if r['kind'] != 'real']
    summary['all non-hand inputs'] = summarize(negatives)
    print(f"{'inputs':<30}{'n':>6}{'refused':>9}{'(errors)':>9}"
          f"{'share':>8}")
    for kind, s in summary.items():
        print(f"{kind:<30}{s['n']:>6}{s['refused']:>9}{s['errors']:>9}"
              f"{s['refused_share']:>8.1%}")
    print(f"real radiographs: {real['nominal_coverage']:.0%} interval covers "
          f"{real['coverage']:.1%}, mean width {real['mean_width']:.1f}; "
          f"MAE of the accepted {real['mae_accepted']:.2f}")
    os.makedirs(args.out_dir, exist_ok=True)
    with open(osp.join(args.out_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    import csv
    with open(osp.join(args.out_dir, 'rows.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=['kind'] + list(rows[0]))
        writer.writeheader()
        writer.writerows(all_rows)
    return summary


if __name__ == '__main__':
    main()
