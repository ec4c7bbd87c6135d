from .bone_age_metric import (UNIT_DEFAULTS, BoneAgeMetric, age_band_masks,
                              bone_age_metrics)
from .dump_predictions import DumpBoneAgePredictions
from .dataset_files import dataset_file
from .hand_box_iou_metric import HandBoxIoUMetric, box_mask_overlap
from .hand_coco_metric import HandCocoMetric
from .hand_mask_iou_metric import HandMaskIoUMetric
from .part_hit_metric import (PartHitMetric, box_density, box_hits,
                              centre_hits, random_boxes_like)

__all__ = [
    'BoneAgeMetric', 'bone_age_metrics', 'age_band_masks', 'UNIT_DEFAULTS',
    'DumpBoneAgePredictions',
    'HandMaskIoUMetric', 'HandCocoMetric', 'dataset_file',
    'HandBoxIoUMetric', 'box_mask_overlap',
    'PartHitMetric', 'box_density', 'box_hits', 'centre_hits',
    'random_boxes_like'
]
