from .age_dist_ops import expected_ages, soft_age_labels
from .cam_ops import cam_boxes, class_activation_maps, largest_component_box
from .fc_params import feature_map_sizes, side_connection_params
from .hand_ops import (HAND_RULES, choose_hand, hand_boxes, paste_mask,
                       paste_soft_masks)
from .part_ops import (anchor_levels, clip_boxes, crop_parts, map_boxes,
                       part_ranking_loss, select_top_parts)

__all__ = [
    'anchor_levels', 'clip_boxes', 'crop_parts', 'map_boxes', 'part_ranking_loss',
    'select_top_parts', 'HAND_RULES', 'choose_hand', 'hand_boxes',
    'paste_mask', 'paste_soft_masks', 'soft_age_labels', 'expected_ages',
    'class_activation_maps', 'largest_component_box', 'cam_boxes',
    'side_connection_params', 'feature_map_sizes'
]
