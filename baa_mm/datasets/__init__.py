from .label_file import LabelFileError, parse_sex, read_label_file
from .rsna import RSNABoneAgeDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['RSNABoneAgeDataset', 'LabelFileError', 'read_label_file',
           'parse_sex']
