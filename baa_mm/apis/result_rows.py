"""The result rows of :class:`~baa_mm.apis.BoneAgeInferencer`."""
import csv
import json
import os
import os.path as osp
from typing import Dict, Sequence

__all__ = ['ROW_FIELDS', 'new_row', 'add_flag', 'summarize_rows',
           'write_rows']

#: The columns of a result row, in order.
ROW_FIELDS = ('path', 'status', 'reason', 'sex', 'sex_source', 'pred_age',
              'lower', 'upper', 'unit', 'chrono_age', 'age_source',
              'ba_minus_ca', 'ood_features', 'ood_input', 'flags',
              'vis_path')


def new_row(path: str, unit: str) -> dict:
    """An empty row (every field None) for one input."""
    row = dict.fromkeys(ROW_FIELDS)
    row.update(path=path, unit=unit)
    return row


def add_flag(row: dict, flag: str) -> None:
    """Append a flag to ``row['flags']`` ('; '-separated; in place)."""
    row['flags'] = '; '.join(filter(None, [row['flags'], flag]))


def summarize_rows(rows: Sequence[Dict]) -> Dict[str, int]:
    """Count rows per status: ``{'ok': n, 'rejected': n, 'error': n}``."""
    counts = dict(ok=0, rejected=0, error=0)
    for row in rows:
        counts[row['status']] = counts.get(row['status'], 0) + 1
    return counts


def write_rows(rows: Sequence[Dict], path: str) -> None:
    """Write result rows as CSV (the :data:`ROW_FIELDS` columns, ``None`` as
    an empty cell) or, for a ``.json`` path, as a JSON list; atomically (a
    temporary file renamed over ``path``)."""
    folder = osp.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    tmp = f'{path}.tmp'
    if path.lower().endswith('.json'):
        with open(tmp, 'w') as f:
            json.dump([{k: r.get(k) for k in ROW_FIELDS} for r in rows], f,
                      indent=1)
    else:
        with open(tmp, 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=ROW_FIELDS,
                                    extrasaction='ignore')
            writer.writeheader()
            for row in rows:
                writer.writerow({k: '' if row.get(k) is None else row[k]
                                 for k in ROW_FIELDS})
    os.replace(tmp, path)
