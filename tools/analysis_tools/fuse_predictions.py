"""Late fusion: average the prediction CSVs of several models.

For ensembles whose members cannot run in one model (different configs,
input sizes, body parts): test each with ``tools/test.py ... --out m.csv``,
then average here (the same mean as ``BoneAgeEnsemble``). Every file must
hold the same images with the same labels. Prints each member's and the
fused metrics; writes the fused CSV (the ``--out`` format, plus one
``pred_<name>`` column per member).

Example:
    python tools/analysis_tools/fuse_predictions.py vgg.csv inc.csv res.csv \
        --names vgg inception resnet --weights 1 1 2 --out fused.csv \
        --age-unit years
"""
import argparse
import math
from typing import Dict, List, Optional, Sequence

import numpy as np

from baa_mm.evaluation import (UNIT_DEFAULTS, age_band_masks,
                               bone_age_metrics, ensemble_weights,
                               fuse_predictions, write_prediction_csv)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('csv', nargs='+',
                        help='prediction CSVs of tools/test.py --out')
    parser.add_argument('--names', nargs='+',
                        help='member names (default: the file stems)')
    parser.add_argument('--weights', nargs='+', type=float,
                        help='member weights (default: equal)')
    parser.add_argument('--out', help='write the fused predictions here')
    parser.add_argument('--age-unit', default='months',
                        choices=sorted(UNIT_DEFAULTS),
                        help='unit of the ages: picks the within_* '
                        'tolerances and age bands (default: months)')
    return parser.parse_args(argv)


def metrics_table(rows: List[dict], names: Sequence[str],
                  weights: Sequence[float], unit: str) -> str:
    """The members' and the fused metrics as a text table.

    Args:
        rows (list[dict]): Fused rows (:func:`fuse_predictions`); only rows
            with ``gt_age`` count.
        names (Sequence[str]): K member names (``pred_<name>`` columns).
        weights (Sequence[float]): (K,) normalised weights.
        unit (str): Age unit ('months' / 'years').

    Returns:
        str: One line per member and one ``fused`` line, or a note when no
        row has ``gt_age``.
    """
    rows = [r for r in rows if r['gt_age'] is not None]
    if not rows:
        return 'no gt_age in the files: no metrics'
    gt = np.array([r['gt_age'] for r in rows])
    sex = np.array([-1 if r['sex'] is None else r['sex'] for r in rows])
    cfg = UNIT_DEFAULTS[unit]

    def metrics(key: str) -> Dict[str, float]:
        return bone_age_metrics(np.array([r[key] for r in rows]), gt, sex,
                                cfg['thresholds'], cfg['age_bands'])

    lines = [(f'pred_{n}', n, f'{w:.3f}') for n, w in zip(names, weights)]
    lines.append(('pred_age', 'fused', '-'))
    results = [metrics(key) for key, _, _ in lines]
    keys = list(results[-1])
    width = max(8, *(len(n) for n in names))
    head = f'{"member":<{width}} {"weight":>6} ' + ' '.join(
        f'{k:>{max(8, len(k))}}' for k in keys)
    title = f'{len(rows)} images, ages in {unit}'
    if cfg['age_bands']:
        title += '; per age band: ' + ', '.join(
            f'{k}: {int(m.sum())}'
            for k, m in age_band_masks(gt, cfg['age_bands']).items())
    out = [title, head]
    for (_, name, w), res in zip(lines, results):
        out.append(f'{name:<{width}} {w:>6} ' + ' '.join(
            f'{res.get(k, math.nan):>{max(8, len(k))}.3f}' for k in keys))
    return '\n'.join(out)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        # paths, not tables: the errors then name the files
        rows = fuse_predictions(args.csv, args.weights, args.names)
        weights = ensemble_weights(args.weights or [1.] * len(args.csv),
                                   len(args.csv))
    except (ValueError, FileNotFoundError) as e:
        raise SystemExit(f'error: {e}')
    names = [k[len('pred_'):] for k in rows[0]
             if k.startswith('pred_') and k != 'pred_age']
    print(metrics_table(rows, names, weights, args.age_unit))
    if args.out:
        write_prediction_csv(args.out, rows)
        print(f'wrote {len(rows)} fused predictions to {args.out}')


if __name__ == '__main__':
    main()
