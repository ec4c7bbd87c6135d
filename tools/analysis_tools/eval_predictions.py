"""Evaluate a prediction CSV against a label file and write a report.

Joins the predictions (``tools/test.py --out``; ``img_id`` and
``pred_age`` are used) to a label table (any RSNA layout, CSV or XLSX) on
the image id. Ids labelled but not predicted (missing) and predicted but
not labelled (extra) are counted, printed (the first 20) and listed in
full in ``metrics.json`` and the report; only the images in both are
evaluated. Writes to ``--out-dir`` (default ``<PRED stem>_report/`` next to
PRED): ``metrics.json``, ``bland_altman.png``, ``pred_vs_true.png``,
``error_by_age_band.png`` and ``report.md`` (``report.html`` with
``--format html``).

Example:
    python tools/analysis_tools/eval_predictions.py preds.csv \
        data/rsna/val.csv [--out-dir DIR] [--unit months] [--format md]
"""
import argparse
import csv
import html
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from baa_mm.datasets.label_file import read_label_file
from baa_mm.evaluation import (REPORT_DEFAULTS, age_band_masks, bland_altman,
                               group_metrics, match_ids, read_prediction_csv)

#: How many missing / extra ids are printed (all go to the files).
SHOW_IDS = 20
#: Plot name → file name in the output folder.
PLOTS = dict(bland_altman='bland_altman.png',
             pred_vs_true='pred_vs_true.png',
             error_by_age_band='error_by_age_band.png')
# gt ages of prediction CSVs are written with 4 decimals
_GT_TOL = 1e-3


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pred', help='prediction CSV of tools/test.py --out')
    parser.add_argument('labels', help='label file (.csv or .xlsx, any RSNA '
                        'layout)')
    parser.add_argument('--out-dir', help='output folder (default: '
                        '<PRED stem>_report/ next to PRED)')
    parser.add_argument('--unit', default='months',
                        choices=sorted(REPORT_DEFAULTS),
                        help='unit of the ages: picks the within_* '
                        'tolerances and age bands (default: months)')
    parser.add_argument('--format', default='md', choices=['md', 'html'],
                        help='report format (default: md)')
    return parser.parse_args(argv)


def read_predictions(path: str) -> Dict[str, dict]:
    """:func:`read_prediction_csv`, with decoding errors naming the file."""
    try:
        return read_prediction_csv(path)
    except UnicodeDecodeError as e:
        raise ValueError(f'{path}: not a text (UTF-8) CSV file ({e})') from e
    except csv.Error as e:
        raise ValueError(f'{path}: malformed CSV ({e})') from e


def read_labels(path: str) -> Tuple[Dict[str, Tuple[float, int]], bool]:
    """Read a label file into ``id → (age, sex)``.

    Args:
        path (str): ``.csv`` / ``.xlsx`` label file.

    Returns:
        tuple[dict, bool]: ``id → (age, sex)`` in file order (sex 1 male, 0
        female, -1 empty cell or no sex column) and whether the file has a
        sex column.

    Raises:
        ValueError: Unreadable file, missing columns, no rows, an empty or
            repeated id, a bad age or sex cell (names the file and line).
    """
    rows = read_label_file(path, require_sex=False)
    if not rows:
        raise ValueError(f'{path}: no label rows')
    has_sex = rows[0].sex_text is not None
    labels: Dict[str, Tuple[float, int]] = {}
    lines: Dict[str, int] = {}
    for row in rows:
        where = f'{path}: line {row.line}'
        if not row.img_id:
            raise ValueError(f'{where}: empty id')
        if row.img_id in labels:
            raise ValueError(f'{where}: id {row.img_id!r} repeated (first '
                             f'on line {lines[row.img_id]})')
        if row.age is None:
            raise ValueError(f'{where}: age of {row.img_id!r} is empty or '
                             'not a finite number')
        if row.sex is None and row.sex_text:
            raise ValueError(f'{where}: sex {row.sex_text!r} of '
                             f'{row.img_id!r} not recognised')
        labels[row.img_id] = (row.age, -1 if row.sex is None else row.sex)
        lines[row.img_id] = row.line
    return labels, has_sex


def _ids_line(ids: List[str], limit: int = SHOW_IDS) -> str:
    more = f' ... and {len(ids) - limit} more' if len(ids) > limit else ''
    return ', '.join(ids[:limit]) + more


def evaluate(pred_path: str, label_path: str, unit: str = 'months'
             ) -> Tuple[dict, dict]:
    """Join the files and compute every number of the report.

    Args:
        pred_path (str): Prediction CSV.
        label_path (str): Label file.
        unit (str): Age unit, a key of :data:`REPORT_DEFAULTS`.

    Returns:
        tuple[dict, dict]: The ``metrics.json`` content and the (N,) arrays
        ``pred``, ``gt``, ``sex`` of the N matched images, in label order.

    Raises:
        ValueError: Bad files (see :func:`read_labels`,
            :func:`read_prediction_csv`) or no id in both files.
    """
    preds = read_predictions(pred_path)
    labels, has_sex = read_labels(label_path)
    matched, missing, extra = match_ids(labels, preds)
    if not matched:
        raise ValueError(
            f'no image id of {pred_path} ({len(preds)} ids, e.g. '
            f'{_ids_line(list(preds), 3)}) is in {label_path} '
            f'({len(labels)} ids, e.g. {_ids_line(list(labels), 3)})')
    cfg = REPORT_DEFAULTS[unit]
    arrays = dict(pred=np.array([preds[i]['pred_age'] for i in matched]),
                  gt=np.array([labels[i][0] for i in matched]),
                  sex=np.array([labels[i][1] for i in matched]))
    mismatch = [i for i in matched if preds[i]['gt_age'] is not None
                and abs(preds[i]['gt_age'] - labels[i][0]) > _GT_TOL]
    result = dict(
        pred_file=pred_path, label_file=label_path, unit=unit,
        thresholds=list(cfg['thresholds']),
        n_predictions=len(preds), n_labels=len(labels),
        n_matched=len(matched), n_missing=len(missing), n_extra=len(extra),
        missing_ids=missing, extra_ids=extra, gt_age_mismatch_ids=mismatch,
        metrics=group_metrics(arrays['pred'], arrays['gt'],
                              arrays['sex'] if has_sex else None,
                              cfg['thresholds'], cfg['age_bands']),
        bland_altman=bland_altman(arrays['pred'], arrays['gt']))
    return result, arrays


def _save(fig: Figure, path: str) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def plot_bland_altman(pred: np.ndarray, gt: np.ndarray, ba: dict,
                      unit: str, path: str) -> None:
    """Difference vs. mean of (pred, gt) with the bias and 95 % limits."""
    fig = Figure(figsize=(6, 4.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter((pred + gt) / 2, pred - gt, s=12, alpha=0.6)
    for value, style, name in ((ba['bias'], '-', 'bias'),
                               (ba['loa_lower'], '--', '-1.96 SD'),
                               (ba['loa_upper'], '--', '+1.96 SD')):
        ax.axhline(value, color='C3', linestyle=style,
                   label=f'{name}: {value:.2f}')
    ax.set_xlabel(f'mean of predicted and true age ({unit})')
    ax.set_ylabel(f'predicted - true ({unit})')
    ax.set_title(f'Bland-Altman (n={ba["n"]})')
    ax.legend(fontsize='small')
    _save(fig, path)


def plot_pred_vs_true(pred: np.ndarray, gt: np.ndarray, unit: str,
                      path: str) -> None:
    """Predicted vs. true age with the identity line."""
    fig = Figure(figsize=(5, 5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(gt, pred, s=12, alpha=0.6)
    lo = float(min(gt.min(), pred.min()))
    hi = float(max(gt.max(), pred.max()))
    ax.plot([lo, hi], [lo, hi], color='k', linewidth=1, label='identity')
    ax.set_xlabel(f'true age ({unit})')
    ax.set_ylabel(f'predicted age ({unit})')
    ax.set_title(f'predicted vs. true (n={len(gt)})')
    ax.set_aspect('equal', adjustable='datalim')
    ax.legend(fontsize='small')
    _save(fig, path)


def _band_label(name: str, unit: str) -> str:
    if unit != 'months' or '-' not in name:
        return name
    lo, hi = (float(v) / 12 for v in name.split('-'))
    return f'{name} ({lo:g}-{hi:g} y)'


def plot_error_by_band(pred: np.ndarray, gt: np.ndarray,
                       edges: Sequence[float], unit: str, path: str) -> None:
    """Box plot of the signed errors per band of the true age."""
    fig = Figure(figsize=(6, 4.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    groups = [(name, (pred - gt)[sel])
              for name, sel in age_band_masks(gt, edges).items()
              if sel.any()]
    if groups:
        positions = list(range(1, len(groups) + 1))
        ax.boxplot([err for _, err in groups], positions=positions)
        ax.set_xticks(positions, [
            f'{_band_label(name, unit)}\nn={len(err)}'.replace(' (', '\n(')
            for name, err in groups])
    else:
        ax.text(0.5, 0.5, 'no image in the age bands', ha='center',
                transform=ax.transAxes)
    ax.axhline(0, color='k', linewidth=0.8)
    ax.set_xlabel(f'true age band ({unit})')
    ax.set_ylabel(f'predicted - true ({unit})')
    _save(fig, path)


def tables(result: dict) -> List[Tuple[str, List[str], List[List[str]]]]:
    """The report's tables as ``(title, header, rows)`` of strings."""
    unit, m = result['unit'], result['metrics']
    thresholds = result['thresholds']

    def fmt(value, pattern='{:.2f}'):
        return '-' if value is None else pattern.format(value)

    header = ['group', 'n', 'MAE', 'RMSE', 'bias'] + \
        [f'within {t:g}' for t in thresholds]
    groups = [('all', m['overall'])] + list(m['by_sex'].items()) + \
        [(_band_label(k, unit), v) for k, v in m['by_age_band'].items()]
    rows = [[name, str(row['n']), fmt(row['MAE']), fmt(row['RMSE']),
             fmt(row['bias'])] +
            [fmt(row[f'within_{t:g}'], '{:.1f} %') for t in thresholds]
            for name, row in groups]
    ba = result['bland_altman']
    ba_rows = [[str(ba['n']), fmt(ba['bias']), fmt(ba['sd']),
                fmt(ba['loa_lower']), fmt(ba['loa_upper'])]]
    return [(f'Errors ({unit}, predicted - true)', header, rows),
            (f'Bland-Altman ({unit})', ['n', 'bias', 'SD of differences',
                                        'lower 95 % limit',
                                        'upper 95 % limit'], ba_rows)]


def _facts(result: dict) -> List[str]:
    lines = [f'Predictions: {result["pred_file"]} '
             f'({result["n_predictions"]} rows)',
             f'Labels: {result["label_file"]} ({result["n_labels"]} rows)',
             f'Evaluated: {result["n_matched"]} images in both files; ages '
             f'in {result["unit"]}',
             f'Missing (labelled, not predicted): {result["n_missing"]}',
             f'Extra (predicted, not labelled): {result["n_extra"]}']
    if result['metrics']['outside_bands']:
        lines.append(f'Outside every age band: '
                     f'{result["metrics"]["outside_bands"]} images')
    if result['gt_age_mismatch_ids']:
        lines.append(f'gt_age of the prediction file differs from the label '
                     f'file: {len(result["gt_age_mismatch_ids"])} images')
    return lines


def render_markdown(result: dict) -> str:
    """The one-page Markdown report (images by relative path)."""
    out = [f'# Bone-age evaluation: {osp.basename(result["pred_file"])}',
           ''] + [f'- {line}' for line in _facts(result)]
    for title, ids in (('Missing ids', result['missing_ids']),
                       ('Extra ids', result['extra_ids'])):
        if ids:
            out += ['', f'{title} ({len(ids)}): ' +
                    ', '.join(f'`{i}`' for i in ids)]
    for title, header, rows in tables(result):
        out += ['', f'## {title}', '', '| ' + ' | '.join(header) + ' |',
                '|' + '---|' * len(header)]
        out += ['| ' + ' | '.join(r) + ' |' for r in rows]
    out += ['', '## Plots', '']
    out += [f'![{name}]({file})' for name, file in PLOTS.items()]
    return '\n'.join(out) + '\n'


def render_html(result: dict) -> str:
    """The one-page HTML report (images by relative path)."""
    esc = html.escape
    out = ['<!DOCTYPE html>', '<html><head><meta charset="utf-8">',
           f'<title>Bone-age evaluation: {esc(result["pred_file"])}</title>',
           '<style>table{border-collapse:collapse}td,th{border:1px solid '
           '#999;padding:2px 6px;text-align:right}</style></head><body>',
           f'<h1>Bone-age evaluation: '
           f'{esc(osp.basename(result["pred_file"]))}</h1>', '<ul>']
    out += [f'<li>{esc(line)}</li>' for line in _facts(result)] + ['</ul>']
    for title, ids in (('Missing ids', result['missing_ids']),
                       ('Extra ids', result['extra_ids'])):
        if ids:
            out.append(f'<p>{title} ({len(ids)}): '
                       f'{esc(", ".join(ids))}</p>')
    for title, header, rows in tables(result):
        out += [f'<h2>{esc(title)}</h2>', '<table><tr>' + ''.join(
            f'<th>{esc(h)}</th>' for h in header) + '</tr>']
        out += ['<tr>' + ''.join(f'<td>{esc(c)}</td>' for c in r) + '</tr>'
                for r in rows]
        out.append('</table>')
    out.append('<h2>Plots</h2>')
    out += [f'<img src="{file}" alt="{name}">' for name, file in
            PLOTS.items()]
    return '\n'.join(out + ['</body></html>']) + '\n'


def summary(result: dict) -> str:
    """A few lines for stdout."""
    unit, m = result['unit'], result['metrics']['overall']
    ba = result['bland_altman']
    lines = [f'{result["n_matched"]} images evaluated ({unit}): '
             f'{result["n_predictions"]} predictions, '
             f'{result["n_labels"]} labels']
    if result['missing_ids']:
        lines.append(f'missing {result["n_missing"]} labelled images '
                     f'without prediction: '
                     f'{_ids_line(result["missing_ids"])}')
    if result['extra_ids']:
        lines.append(f'extra {result["n_extra"]} predictions without '
                     f'label: {_ids_line(result["extra_ids"])}')
    if result['gt_age_mismatch_ids']:
        lines.append(f'warning: gt_age of {result["pred_file"]} differs '
                     f'from {result["label_file"]} for '
                     f'{len(result["gt_age_mismatch_ids"])} images: '
                     f'{_ids_line(result["gt_age_mismatch_ids"])}')
    within = ', '.join(f'{t:g}: {m[f"within_{t:g}"]:.1f} %'
                       for t in result['thresholds'])
    lines.append(f'MAE {m["MAE"]:.3f}, RMSE {m["RMSE"]:.3f}, bias '
                 f'{m["bias"]:.3f}; within {within}')
    lines.append(f'Bland-Altman: bias {ba["bias"]:.3f}, SD {ba["sd"]:.3f}, '
                 f'95 % limits [{ba["loa_lower"]:.3f}, '
                 f'{ba["loa_upper"]:.3f}]')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    try:
        result, arrays = evaluate(args.pred, args.labels, args.unit)
    except (ValueError, OSError) as e:
        raise SystemExit(f'error: {e}')
    out_dir = args.out_dir or osp.join(
        osp.dirname(osp.abspath(args.pred)),
        osp.splitext(osp.basename(args.pred))[0] + '_report')
    os.makedirs(out_dir, exist_ok=True)
    report = f'report.{args.format}'
    result['files'] = dict(report=report, metrics='metrics.json', **PLOTS)
    pred, gt = arrays['pred'], arrays['gt']
    plot_bland_altman(pred, gt, result['bland_altman'], args.unit,
                      osp.join(out_dir, PLOTS['bland_altman']))
    plot_pred_vs_true(pred, gt, args.unit,
                      osp.join(out_dir, PLOTS['pred_vs_true']))
    plot_error_by_band(pred, gt, REPORT_DEFAULTS[args.unit]['age_bands'],
                       args.unit, osp.join(out_dir,
                                           PLOTS['error_by_age_band']))
    with open(osp.join(out_dir, 'metrics.json'), 'w') as f:
        json.dump(result, f, indent=2, allow_nan=False)
    render = render_html if args.format == 'html' else render_markdown
    with open(osp.join(out_dir, report), 'w', encoding='utf-8') as f:
        f.write(render(result))
    print(summary(result))
    print(f'wrote {report}, metrics.json and {len(PLOTS)} plots to '
          f'{out_dir}')
    return result


if __name__ == '__main__':
    main()
