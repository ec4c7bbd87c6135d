from .bone_age_data_sample import BoneAgeDataSample, fill_pred_ages

__all__ = ['BoneAgeDataSample', 'fill_pred_ages']
