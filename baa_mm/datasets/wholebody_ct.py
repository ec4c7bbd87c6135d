"""Whole-body CT bone images with age in years (adult age estimation)."""
import os.path as osp
from typing import List, Optional, Union

from baa_mm.registry import DATASETS
from .body_boxes import attach_body_boxes
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
        box_ann_file (str, optional): COCO box file (relative to
            ``data_root``), e.g. the whole-body phantoms'
            ``annotations/train_boxes.json``: adds ``body_bbox`` ([x1, y1,
            x2, y2]) and ``informative_boxes`` (``dict(bbox, category)``) to
            each row (see :mod:`baa_mm.datasets.body_boxes`). A row without
            a ``body`` box is an error.
        **kwargs: As :class:`RSNABoneAgeDataset`.
    """

    METAINFO = dict(age_unit='years', task='wholebody_ct')

    def __init__(self,
                 ann_file: str,
                 with_sex: Union[bool, str] = 'auto',
                 age_unit: str = 'years',
                 max_age: Optional[float] = None,
                 box_ann_file: Optional[str] = None,
                 **kwargs) -> None:
        data_root = kwargs.get('data_root', '')
        if box_ann_file and data_root and not osp.isabs(box_ann_file):
            box_ann_file = osp.join(data_root, box_ann_file)
        self.box_ann_file = box_ann_file
        super().__init__(ann_file=ann_file, with_sex=with_sex,
                         age_unit=age_unit, max_age=max_age, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Rows of the label table (plus their boxes)."""
        data_list = super().load_data_list()
        if self.box_ann_file:
            attach_body_boxes(data_list, self.box_ann_file)
        return data_list
