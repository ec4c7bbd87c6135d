"""Hand masks: polygons <-> masks, Supervisely outlines, automatic masks.

Pure numpy / OpenCV / pycocotools (no torch). See ``docs/hand_masks.md``.
"""
from .polygons import (coco_image_id, mask_bbox, mask_iou,
                       mask_to_coco_polygons, polygon_to_mask)
from .pseudo_mask import (PSEUDO_MASK_DEFAULTS, parse_mask_params,
                          pseudo_hand_mask)
from .supervisely import supervisely_to_mask, supervisely_to_polygon

__all__ = [
    'polygon_to_mask', 'mask_to_coco_polygons', 'coco_image_id', 'mask_iou',
    'mask_bbox', 'supervisely_to_polygon', 'supervisely_to_mask',
    'pseudo_hand_mask', 'parse_mask_params', 'PSEUDO_MASK_DEFAULTS'
]
