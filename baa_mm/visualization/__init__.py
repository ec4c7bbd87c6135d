from .bone_age_visualizer import BoneAgeVisualizer, to_rgb_uint8

__all__ = ['BoneAgeVisualizer', 'to_rgb_uint8']
