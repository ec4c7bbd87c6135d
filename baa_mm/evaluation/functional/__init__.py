from .agreement import (REPORT_DEFAULTS, bland_altman, group_metrics,
                        match_ids)
from .cam_energy import (box_energy_share, boxes_mask, category_energy_shares,
                         summarize_energy_shares)
from .cam_frame import map_to_original
from .ensemble_mean import ensemble_weights, mean_age
from .late_fusion import (PREDICTION_FIELDS, fuse_predictions,
                          read_prediction_csv, write_prediction_csv)
from .mask_overlap import mask_overlap
from .overlap_report import (format_overlap_rows, report_overlaps,
                             summarize_overlaps)

__all__ = [
    'mask_overlap', 'summarize_overlaps', 'format_overlap_rows',
    'report_overlaps', 'box_energy_share', 'boxes_mask',
    'category_energy_shares', 'summarize_energy_shares', 'map_to_original',
    'mean_age', 'ensemble_weights', 'PREDICTION_FIELDS', 'read_prediction_csv',
    'fuse_predictions', 'write_prediction_csv', 'REPORT_DEFAULTS',
    'bland_altman', 'group_metrics', 'match_ids'
]
