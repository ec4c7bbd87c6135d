from .inference import inference_bone_age, init_estimator

__all__ = ['inference_bone_age', 'init_estimator']
