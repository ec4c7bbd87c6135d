"""Synthetic hand-radiograph phantoms (numpy / OpenCV only).

Styles ``'v1'`` (plain phantoms, frozen output) and ``'v2'`` (distractors,
second hand, arbitrary rotation). What the phantoms model, the files
written and the determinism guarantees are described in ``docs/phantom.md``.
"""
from .anatomy import CARPAL_NAMES, EPIPHYSIS_SITES, INFORMATIVE_BOX_NAMES
from .coco import mask_to_polygons
from .dataset import generate_phantom_dataset
from .maturity import (MAX_BONEAGE, carpal_radii_for_maturity,
                       epiphysis_state_for_maturity, maturity_from_boneage,
                       num_visible_carpals)
from .options import (DEFAULT_V2_OPTIONS, DISTRACTOR_NAMES, GENERATOR_VERSION,
                      STYLE_VERSIONS, STYLES, parse_img_size,
                      resolve_v2_options)
from .render import render_phantom
from .sample import PhantomSample
from .writer import generate_phantom_split

__all__ = [
    'GENERATOR_VERSION', 'MAX_BONEAGE', 'CARPAL_NAMES', 'EPIPHYSIS_SITES',
    'INFORMATIVE_BOX_NAMES', 'PhantomSample', 'maturity_from_boneage',
    'carpal_radii_for_maturity', 'num_visible_carpals',
    'epiphysis_state_for_maturity', 'render_phantom', 'mask_to_polygons',
    'generate_phantom_split', 'generate_phantom_dataset', 'STYLES',
    'STYLE_VERSIONS', 'DEFAULT_V2_OPTIONS', 'DISTRACTOR_NAMES',
    'resolve_v2_options', 'parse_img_size'
]
