from .regressor import BoneAgeRegressor

__all__ = ['BoneAgeRegressor']
