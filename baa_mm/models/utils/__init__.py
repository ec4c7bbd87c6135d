from .part_ops import (box_iou, clip_boxes, crop_parts, map_boxes,
                       part_ranking_loss, select_top_parts)

__all__ = [
    'box_iou', 'clip_boxes', 'crop_parts', 'map_boxes', 'part_ranking_loss',
    'select_top_parts'
]
