"""Synthetic whole-body CT bone images ("whole-body phantoms").

Frontal 2-D bone images of a simplified skeleton whose age cues are local
and anatomical (growth plates, bone density, vertebral height and spurs,
costal cartilage calcification, iliac crest apophysis, pubic symphysis),
with age-independent nuisance (pose, arms, crop, table, exposure). Numpy and
OpenCV only. What is modelled, the files written and the determinism
guarantees: ``docs/wholebody_phantom.md``.
"""
from .aging import PHYSIS_CLOSURE, AgeState, age_state
from .coco import CATEGORIES, INFORMATIVE_CATEGORIES
from .dataset import SPLITS, generate_wholebody_phantom
from .labels import PAPER_MIXTURE, sample_age, sample_label
from .options import (AGE_DISTRIBUTIONS, ARM_POSES, DEFAULT_IMG_SIZE,
                      DEFAULT_OPTIONS, GENERATOR_VERSION, resolve_options)
from .render import render_wholebody_phantom
from .writer import generate_wholebody_split, label_rng, render_rng

__all__ = [
    'GENERATOR_VERSION', 'DEFAULT_IMG_SIZE', 'DEFAULT_OPTIONS', 'ARM_POSES',
    'AGE_DISTRIBUTIONS', 'CATEGORIES', 'INFORMATIVE_CATEGORIES',
    'PHYSIS_CLOSURE', 'PAPER_MIXTURE', 'SPLITS', 'AgeState', 'age_state',
    'sample_age', 'sample_label', 'resolve_options',
    'render_wholebody_phantom', 'generate_wholebody_split',
    'generate_wholebody_phantom', 'label_rng', 'render_rng'
]
