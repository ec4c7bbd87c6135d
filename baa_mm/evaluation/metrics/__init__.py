from .bone_age_metric import BoneAgeMetric, bone_age_metrics
from .dump_predictions import DumpBoneAgePredictions

__all__ = ['BoneAgeMetric', 'bone_age_metrics', 'DumpBoneAgePredictions']
