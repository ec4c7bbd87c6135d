"""Distractors of phantom style ``'v2'`` (numpy / OpenCV only).

Lead side markers, burned-in text tags, rulers and collimation, drawn as
patches (see :mod:`.overlay`) that the scene places next to, never on, the
hands and their informative boxes. Arrays are indexed ``[y, x]``; boxes use
the COCO / mmdet convention (pixel ``x`` covers ``[x, x + 1)``).
"""
from .collimation import collimation_field
from .overlay import Overlay, Patch, crop_patch
from .patches import marker_patch, ruler_patch, tag_patch
from .placement import (edge_anchor_candidates, edge_strip_candidates,
                        first_free)
from .text import random_tag_text

__all__ = [
    'Overlay', 'Patch', 'crop_patch', 'marker_patch', 'tag_patch',
    'ruler_patch', 'random_tag_text', 'edge_anchor_candidates',
    'edge_strip_candidates', 'first_free', 'collimation_field'
]
