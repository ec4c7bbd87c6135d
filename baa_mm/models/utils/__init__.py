from .part_ops import (clip_boxes, crop_parts, map_boxes, part_ranking_loss,
                       select_top_parts)

__all__ = [
    'clip_boxes', 'crop_parts', 'map_boxes', 'part_ranking_loss',
    'select_top_parts'
]
