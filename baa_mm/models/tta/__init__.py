from .age_tta import BoneAgeTTAModel

__all__ = ['BoneAgeTTAModel']
