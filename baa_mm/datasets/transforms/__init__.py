from .appearance import RandomGammaContrast, RandomResample, gamma_contrast
from .body_crop import CropBodyPart, shift_clip_box
from .formatting import PackBoneAgeInputs
from .full_res import StoreFullResImage
from .geometric import RandomAffine
from .hand_crop import CropToHand, rasterize_polygons
from .hand_instances import LoadHandInstances
from .intensity import HistogramNormalize, equalize_hist_float
from .loading import LoadRadiograph
from .source_grid import SourceGrid
from .regions import EraseRegion, StackRegions, region_box

__all__ = [
    'LoadRadiograph', 'PackBoneAgeInputs', 'RandomAffine', 'CropToHand',
    'rasterize_polygons', 'HistogramNormalize', 'equalize_hist_float',
    'StoreFullResImage', 'LoadHandInstances', 'EraseRegion', 'StackRegions',
    'region_box', 'CropBodyPart', 'shift_clip_box', 'RandomGammaContrast',
    'RandomResample', 'gamma_contrast', 'SourceGrid'
]
