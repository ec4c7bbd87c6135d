from .ensemble import BoneAgeEnsemble
from .prsnet import PRSNet
from .regressor import BoneAgeRegressor

__all__ = ['BoneAgeEnsemble', 'BoneAgeRegressor', 'PRSNet']
