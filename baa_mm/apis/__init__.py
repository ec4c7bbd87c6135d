from .inference import inference_bone_age, init_estimator, predict_batch
from .localization import (localize_chain, localize_dataset, localize_images,
                           region_of)

__all__ = [
    'inference_bone_age', 'init_estimator', 'predict_batch',
    'localize_dataset', 'localize_images', 'localize_chain', 'region_of'
]
