from .distribution_head import BoneAgeDistributionHead
from .part_feature_extractor import PartFeatureExtractor
from .part_selection_head import PartSelectionHead
from .regression_head import BoneAgeRegressionHead
from .soft_label_cam_head import SoftLabelCAMHead

__all__ = [
    'BoneAgeDistributionHead', 'BoneAgeRegressionHead',
    'PartFeatureExtractor', 'PartSelectionHead', 'SoftLabelCAMHead'
]
