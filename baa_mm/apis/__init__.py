from .bone_age_inferencer import BoneAgeInferencer
from .hand_segmenter import HandMask, init_hand_segmenter, segment_hand
from .image_checks import ImageChecks, check_image
from .inference import inference_bone_age, init_estimator, predict_batch
from .inputs import InferenceInput, collect_inputs
from .localization import (localize_chain, localize_dataset, localize_images,
                           region_of)
from .result_rows import ROW_FIELDS, summarize_rows, write_rows
from .sharded_inference import part_path, read_parts, run_sharded

__all__ = [
    'BoneAgeInferencer', 'ROW_FIELDS', 'summarize_rows', 'ImageChecks',
    'check_image', 'InferenceInput', 'collect_inputs', 'inference_bone_age',
    'init_estimator', 'predict_batch', 'localize_dataset', 'localize_images',
    'localize_chain', 'region_of', 'HandMask', 'init_hand_segmenter',
    'segment_hand', 'write_rows', 'part_path', 'read_parts', 'run_sharded'
]
