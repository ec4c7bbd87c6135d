from .regression_head import BoneAgeRegressionHead

__all__ = ['BoneAgeRegressionHead']
