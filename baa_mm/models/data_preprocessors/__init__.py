from .bone_age_preprocessor import BoneAgeDataPreprocessor, collect_sex

__all__ = ['BoneAgeDataPreprocessor', 'collect_sex']
