from .bone_age_data_sample import BoneAgeDataSample

__all__ = ['BoneAgeDataSample']
