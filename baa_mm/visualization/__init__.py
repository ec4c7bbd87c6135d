from .bone_age_visualizer import BoneAgeVisualizer, to_rgb_uint8
from .mask_overlay import draw_mask_overlay

__all__ = ['BoneAgeVisualizer', 'to_rgb_uint8', 'draw_mask_overlay']
