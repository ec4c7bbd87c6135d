from .base import BaseBoneAgeEstimator
from .cam_localizer import CAMLocalizer
from .early_fusion import EarlyFusionRegressor
from .ensemble import BoneAgeEnsemble
from .hand_seg_regressor import HandSegRegressor
from .prsnet import PRSNet
from .regressor import BoneAgeRegressor

__all__ = [
    'BaseBoneAgeEstimator', 'BoneAgeEnsemble', 'BoneAgeRegressor',
    'CAMLocalizer', 'EarlyFusionRegressor',
    'HandSegRegressor', 'PRSNet'
]
