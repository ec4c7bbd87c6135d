"""Late fusion of per-image prediction CSVs (``tools/test.py --out``).

For ensembles whose members cannot share one in-model batch (different
configs, input sizes or body parts): test each member with ``--out``, then
average the CSVs here (``tools/analysis_tools/fuse_predictions.py``), with
the same :func:`mean_age` as :class:`~baa_mm.models.BoneAgeEnsemble`.
"""
import csv
import math
import os
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from .ensemble_mean import mean_age

__all__ = [
    'PREDICTION_FIELDS', 'read_prediction_csv', 'fuse_predictions',
    'write_prediction_csv'
]

#: Columns of a prediction CSV (written by ``DumpBoneAgePredictions``).
PREDICTION_FIELDS = ('img_id', 'img_path', 'sex', 'gt_age', 'pred_age',
                     'abs_error')
_REQUIRED = ('img_id', 'pred_age')
# gt ages are written with 4 decimals: equal labels read back within this
_GT_TOL = 1e-3


def _number(text: str, what: str, where: str, integer: bool = False):
    """Parse a finite number (None for an empty cell)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise ValueError(f'{where}: {what} must be '
                         f'{"an integer" if integer else "a finite number"}'
                         f', got {text!r}')
    return value


def read_prediction_csv(path: str) -> Dict[str, dict]:
    """Read a prediction CSV of ``tools/test.py --out``.

    Needs the columns ``img_id`` and ``pred_age``; ``img_path``, ``sex``
    and ``gt_age`` are read when present (empty cells: unknown), other
    columns (``abs_error``, a fused file's ``pred_<name>``) are ignored.

    Args:
        path (str): CSV file.

    Returns:
        dict: ``img_id`` → row dict ``img_id`` (str), ``img_path`` (str),
        ``sex`` (int | None), ``gt_age`` (float | None), ``pred_age``
        (float), in file order.

    Raises:
        FileNotFoundError: No such file.
        ValueError: Missing columns, no rows, an empty or repeated
            ``img_id``, a missing ``pred_age`` or a malformed number (the
            message names the file and line).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'prediction file not found: {path}')
    with open(path, newline='') as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise ValueError(f'{path}: line 1: header {header} lacks '
                             f'{missing} (expected {list(PREDICTION_FIELDS)})')
        reader.fieldnames = header
        rows: Dict[str, dict] = {}
        for raw in reader:
            where = f'{path}: line {reader.line_num}'
            if None in raw:
                raise ValueError(f'{where}: more cells than header columns')
            cells = {k: (v or '').strip() for k, v in raw.items()}
            img_id = cells['img_id']
            if not img_id:
                raise ValueError(f'{where}: empty img_id')
            if img_id in rows:
                raise ValueError(f'{where}: img_id {img_id!r} repeated')
            pred = _number(cells['pred_age'], 'pred_age', where)
            if pred is None:
                raise ValueError(f'{where}: empty pred_age')
            rows[img_id] = dict(
                img_id=img_id, img_path=cells.get('img_path', ''),
                sex=_number(cells.get('sex', ''), 'sex', where, True),
                gt_age=_number(cells.get('gt_age', ''), 'gt_age', where),
                pred_age=pred)
    if not rows:
        raise ValueError(f'{path}: no prediction rows')
    return rows


def _ids_text(ids: List[str]) -> str:
    more = f' and {len(ids) - 3} more' if len(ids) > 3 else ''
    return ', '.join(repr(i) for i in ids[:3]) + more


def fuse_predictions(tables: Sequence[Union[str, Mapping[str, dict]]],
                     weights: Optional[Sequence[float]] = None,
                     names: Optional[Sequence[str]] = None) -> List[dict]:
    """Average the members' predictions per image (joined on ``img_id``).

    Every member must predict exactly the same images, with the same
    ``gt_age`` and ``sex`` (nothing is dropped silently).

    Args:
        tables (Sequence[str | Mapping]): K >= 1 members: CSV paths (read
            with :func:`read_prediction_csv`) or its output.
        weights (Sequence[float], optional): (K,) member weights (see
            :func:`mean_age`). None: the plain mean.
        names (Sequence[str], optional): K unique member names (not
            ``'age'``), for the ``pred_<name>`` columns and messages.
            Defaults to the files' stems (tables given as mappings: ``m0``,
            ``m1``, ...).

    Returns:
        list[dict]: One row per image, in the first member's order:
        ``img_id``, ``img_path`` (the first member's), ``sex``, ``gt_age``,
        ``pred_age`` (fused), ``abs_error`` (None without ``gt_age``) and
        ``pred_<name>`` per member.

    Raises:
        ValueError: No members, bad names / weights, an image missing from
            a member (names the image and the file), or members disagreeing
            on an image's ``gt_age`` / ``sex`` (names the image and files).
    """
    if not tables:
        raise ValueError('fuse_predictions needs at least one member')
    sources = [t if isinstance(t, str) else None for t in tables]
    tables = [read_prediction_csv(t) if isinstance(t, str) else t
              for t in tables]
    if names is None:
        names = [osp.splitext(osp.basename(s))[0] if s else f'm{k}'
                 for k, s in enumerate(sources)]
    names = [str(n) for n in names]
    if len(names) != len(tables) or len(set(names)) != len(names) or \
            not all(names) or 'age' in names:
        raise ValueError(f'need {len(tables)} unique, non-empty member names '
                         f"other than 'age', got {names} (pass names / "
                         '--names)')
    labels = [f'{n!r} ({s})' if s else repr(n)
              for n, s in zip(names, sources)]
    first = tables[0]
    for label, table in zip(labels[1:], tables[1:]):
        missing = [i for i in first if i not in table]
        if missing:
            raise ValueError(f'image {_ids_text(missing)} of {labels[0]} '
                             f'missing from {label}')
        extra = [i for i in table if i not in first]
        if extra:
            raise ValueError(f'image {_ids_text(extra)} of {label} missing '
                             f'from {labels[0]}')
    for img_id, row in first.items():
        for label, table in zip(labels[1:], tables[1:]):
            other = table[img_id]
            gt_a, gt_b = row['gt_age'], other['gt_age']
            if (gt_a is None) != (gt_b is None) or (
                    gt_a is not None and abs(gt_a - gt_b) > _GT_TOL):
                raise ValueError(f'image {img_id!r}: gt_age {gt_a} in '
                                 f'{labels[0]} but {gt_b} in {label}')
            if row['sex'] != other['sex']:
                raise ValueError(f'image {img_id!r}: sex {row["sex"]} in '
                                 f'{labels[0]} but {other["sex"]} in {label}')
    ids = list(first)
    ages = np.array([[t[i]['pred_age'] for i in ids] for t in tables])
    fused = mean_age(ages, weights)  # (N,)
    out = []
    for n, img_id in enumerate(ids):
        row = first[img_id]
        gt = row['gt_age']
        out.append(dict(
            img_id=img_id, img_path=row['img_path'], sex=row['sex'],
            gt_age=gt, pred_age=float(fused[n]),
            abs_error=None if gt is None else abs(float(fused[n]) - gt),
            **{f'pred_{name}': float(ages[k, n])
               for k, name in enumerate(names)}))
    return out


def write_prediction_csv(path: str, rows: Sequence[Mapping]) -> List[str]:
    """Write rows in the ``DumpBoneAgePredictions`` format (4 decimals).

    Args:
        path (str): Output ``.csv`` (folders are created).
        rows (Sequence[Mapping]): As :func:`fuse_predictions` returns; the
            columns are :data:`PREDICTION_FIELDS` then the first row's
            ``pred_<name>`` columns. None cells are left empty.

    Returns:
        list[str]: The header written.
    """
    extra = [k for k in (rows[0] if rows else {}) if k.startswith('pred_')
             and k != 'pred_age']
    fields = list(PREDICTION_FIELDS) + extra

    def cell(key, value):
        if value is None:
            return ''
        if key in ('img_id', 'img_path', 'sex'):
            return str(value)
        return f'{float(value):.4f}'

    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(fields)
        writer.writerows([[cell(k, r.get(k)) for k in fields] for r in rows])
    return fields
