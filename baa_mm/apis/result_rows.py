"""The result rows of :class:`~baa_mm.apis.BoneAgeInferencer`."""
from typing import Dict, Sequence

__all__ = ['ROW_FIELDS', 'new_row', 'add_flag', 'summarize_rows']

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
