# Copyright (c) baa_mm contributors. All rights reserved.
"""Synthetic hand-radiograph phantoms (numpy / OpenCV only).

See :mod:`baa_mm.datasets.phantom.generator` for the design.
"""
from .generator import (CARPAL_NAMES, EPIPHYSIS_SITES, GENERATOR_VERSION,
                        INFORMATIVE_BOX_NAMES, MAX_BONEAGE, PhantomSample,
                        carpal_radii_for_maturity,
                        epiphysis_state_for_maturity, generate_phantom_dataset,
                        generate_phantom_split, mask_to_polygons,
                        maturity_from_boneage, num_visible_carpals,
                        render_phantom)

__all__ = [
    'GENERATOR_VERSION', 'MAX_BONEAGE', 'CARPAL_NAMES', 'EPIPHYSIS_SITES',
    'INFORMATIVE_BOX_NAMES', 'PhantomSample', 'maturity_from_boneage',
    'carpal_radii_for_maturity', 'num_visible_carpals',
    'epiphysis_state_for_maturity', 'render_phantom', 'mask_to_polygons',
    'generate_phantom_split', 'generate_phantom_dataset'
]
