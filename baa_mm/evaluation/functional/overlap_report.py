"""Per-image mask overlap rows: summary statistics and a printed table."""
from typing import Dict, List, Optional, Sequence

import numpy as np

__all__ = ['summarize_overlaps', 'format_overlap_rows', 'report_overlaps']


def summarize_overlaps(rows: Sequence[Dict]) -> Optional[dict]:
    """Statistics of the ``iou`` of per-image rows.

    Args:
        rows (Sequence[dict]): One dict per image with ``id`` and ``iou``
            (e.g. from :func:`~.mask_overlap.mask_overlap`).

    Returns:
        dict, optional: ``n``, ``mean_iou``, ``median_iou``, ``min_iou`` and
        ``worst`` (the ``id`` of the lowest IoU); None for no rows.
    """
    if not rows:
        return None
    ious = np.array([r['iou'] for r in rows])
    return dict(n=len(rows), mean_iou=float(ious.mean()),
                median_iou=float(np.median(ious)), min_iou=float(ious.min()),
                worst=rows[int(ious.argmin())]['id'])


def format_overlap_rows(rows: Sequence[Dict]) -> List[str]:
    """Table lines: header, then one line per row.

    Args:
        rows (Sequence[dict]): With ``id``, ``width``, ``height``, ``iou``,
            ``precision``, ``recall``, ``ms`` and ``reason``.

    Returns:
        list[str]: The lines (without newlines).
    """
    lines = [f"{'id':>8} {'size':>11} {'IoU':>6} {'prec':>6} {'recall':>6}"
             f" {'ms':>5}"]
    for r in rows:
        lines.append(f"{r['id']:>8} {r['width']:>5}x{r['height']:<5} "
                     f"{r['iou']:6.3f} {r['precision']:6.3f} "
                     f"{r['recall']:6.3f} {r['ms']:5.0f} {r['reason']}")
    return lines


def report_overlaps(rows: Sequence[Dict], title: str) -> Optional[dict]:
    """Print the table of ``rows`` and their IoU statistics.

    Args:
        rows (Sequence[dict]): See :func:`format_overlap_rows`.
        title (str): Names the set of images in the printed lines.

    Returns:
        dict, optional: :func:`summarize_overlaps` of the rows (None, after
        saying so, when there are none).
    """
    stats = summarize_overlaps(rows)
    if stats is None:
        print(f'{title}: no outline has an image here')
        return None
    print(f'{title}:')
    print('\n'.join(format_overlap_rows(rows)))
    print(f"{title}: mean IoU {stats['mean_iou']:.4f}, median "
          f"{stats['median_iou']:.4f}, min IoU {stats['min_iou']:.4f} "
          f"({stats['worst']}) over {stats['n']} images")
    return stats
