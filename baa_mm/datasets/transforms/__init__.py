from .formatting import PackBoneAgeInputs
from .geometric import RandomAffine
from .loading import LoadRadiograph

__all__ = ['LoadRadiograph', 'PackBoneAgeInputs',
           'RandomAffine']
