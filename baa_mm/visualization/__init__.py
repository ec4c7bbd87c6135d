from .bone_age_visualizer import BoneAgeVisualizer, to_rgb_uint8
from .cam_target_layers import (default_target_layers, probe_feature_maps,
                                resolve_target_layers)
from .grad_cam import (GRAD_CAM_METHODS, AgeOutputModel, AgeOutputTarget,
                       regression_grad_cam)
from .mask_overlay import draw_mask_overlay

__all__ = [
    'BoneAgeVisualizer', 'to_rgb_uint8', 'draw_mask_overlay',
    'AgeOutputTarget', 'AgeOutputModel', 'regression_grad_cam',
    'GRAD_CAM_METHODS', 'default_target_layers', 'resolve_target_layers',
    'probe_feature_maps'
]
