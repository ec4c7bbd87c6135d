from .formatting import PackBoneAgeInputs
from .geometric import RandomAffine
from .loading import LoadRadiograph, decode_radiograph

__all__ = ['LoadRadiograph', 'decode_radiograph', 'PackBoneAgeInputs',
           'RandomAffine']
