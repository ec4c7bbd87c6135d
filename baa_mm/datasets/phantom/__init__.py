# Copyright (c) baa_mm contributors. All rights reserved.
"""Synthetic hand-radiograph phantoms (numpy / OpenCV only).

See :mod:`baa_mm.datasets.phantom.generator` for the design (styles ``'v1'``
and ``'v2'``) and :mod:`baa_mm.datasets.phantom.distractors` for the v2
distractors.
"""
from .generator import (CARPAL_NAMES, DEFAULT_V2_OPTIONS, DISTRACTOR_NAMES,
                        EPIPHYSIS_SITES, GENERATOR_VERSION,
                        INFORMATIVE_BOX_NAMES, MAX_BONEAGE, STYLE_VERSIONS,
                        STYLES, PhantomSample, carpal_radii_for_maturity,
                        epiphysis_state_for_maturity, generate_phantom_dataset,
                        generate_phantom_split, mask_to_polygons,
                        maturity_from_boneage, num_visible_carpals,
                        parse_img_size, render_phantom, resolve_v2_options)

__all__ = [
    'GENERATOR_VERSION', 'MAX_BONEAGE', 'CARPAL_NAMES', 'EPIPHYSIS_SITES',
    'INFORMATIVE_BOX_NAMES', 'PhantomSample', 'maturity_from_boneage',
    'carpal_radii_for_maturity', 'num_visible_carpals',
    'epiphysis_state_for_maturity', 'render_phantom', 'mask_to_polygons',
    'generate_phantom_split', 'generate_phantom_dataset', 'STYLES',
    'STYLE_VERSIONS', 'DEFAULT_V2_OPTIONS', 'DISTRACTOR_NAMES',
    'resolve_v2_options', 'parse_img_size'
]
