"""Whole-body CT bone images with age in years (adult age estimation)."""
from typing import Optional, Union

from baa_mm.registry import DATASETS
from .rsna import RSNABoneAgeDataset

__all__ = ['WholeBodyCTDataset']


@DATASETS.register_module()
class WholeBodyCTDataset(RSNABoneAgeDataset):
    """Whole-body CT bone images (e.g. maximum-intensity projections) + ages.

    The same table reading, image decoding (PNG, 16-bit PNG, DICOM) and
    validation as :class:`RSNABoneAgeDataset`; only the defaults differ:
    ages are in **years** (``max_age`` 120), and sex is optional
    (``with_sex='auto'``: read when the table has a sex column, and then
    validated). Accepted age headers include ``age``, ``Age (years)``.

    Args:
        ann_file (str): Label table (CSV or XLSX), e.g. ``id,age,sex``.
        with_sex (bool | str): Defaults to 'auto'.
        age_unit (str): Defaults to 'years'.
        max_age (float, optional): Defaults to 120 years.
        **kwargs: As :class:`RSNABoneAgeDataset`.
    """

    METAINFO = dict(age_unit='years', task='wholebody_ct')

    def __init__(self,
                 ann_file: str,
                 with_sex: Union[bool, str] = 'auto',
                 age_unit: str = 'years',
                 max_age: Optional[float] = None,
                 **kwargs) -> None:
        super().__init__(ann_file=ann_file, with_sex=with_sex,
                         age_unit=age_unit, max_age=max_age, **kwargs)
