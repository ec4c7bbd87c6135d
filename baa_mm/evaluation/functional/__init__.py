from .mask_overlap import mask_overlap
from .overlap_report import (format_overlap_rows, report_overlaps,
                             summarize_overlaps)

__all__ = [
    'mask_overlap', 'summarize_overlaps', 'format_overlap_rows',
    'report_overlaps'
]
