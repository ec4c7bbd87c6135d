"""Hand instance segmentation dataset (COCO format, one class ``hand``)."""
from typing import Callable, List, Sequence, Union

from mmdet.datasets import CocoDataset
from mmengine.logging import MMLogger

from baa_mm.registry import DATASETS, TRANSFORMS

__all__ = ['HandSegDataset']


@DATASETS.register_module()
class HandSegDataset(CocoDataset):
    """Hand masks in COCO instances format, for mmdet detectors.

    A :class:`mmdet.datasets.CocoDataset` with the single class ``hand``
    (``METAINFO = dict(classes=('hand',), palette=[(220, 20, 60)])``). It
    reads the files written by

    * ``tools/dataset_converters/supervisely_to_coco.py`` (manual polygons,
      optionally plus box-only annotations),
    * ``tools/dataset_converters/pseudo_hand_masks.py`` (automatic masks),
    * the phantom generator (``annotations/<split>_hand_masks.json``),

    or any COCO file whose category is named ``hand``. Image ``file_name``
    entries are joined to ``data_root`` / ``data_prefix['img']`` (mmdet's
    key, not ``img_path``).

    **Pipeline**: a list of transforms or configs. The configs are built with
    baa_mm's ``TRANSFORMS`` registry, so un-scoped types resolve in baa_mm,
    then in mmengine/mmcv; mmdet's transforms need ``_scope_='mmdet'`` (or a
    ``mmdet.`` type prefix), e.g.::

        pipeline=[
            dict(_scope_='mmdet', type='LoadImageFromFile'),
            dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
                 with_mask=True),
            dict(_scope_='mmdet', type='Resize', scale=(512, 512),
                 keep_ratio=True),
            dict(_scope_='mmdet', type='PackDetInputs'),
        ]

    ``LoadAnnotations(with_mask=True)`` then gives ``gt_masks`` (polygons and
    compressed / uncompressed RLE are all supported).

    **Box-only annotations** (no ``segmentation``, as written by
    ``supervisely_to_coco.py --boxes``) would crash mmdet's
    ``LoadAnnotations(with_mask=True)``; ``missing_mask`` decides what
    happens to images that have any:

    * ``'skip'`` (default): the images are dropped when the dataset is built
      and the count and first ids are logged (a warning, never silent);
      their ids are kept in ``missing_mask_img_ids``.
    * ``'box'``: the box becomes a rectangular mask (a weak label).
    * ``'raise'``: a ``ValueError`` naming the file and the images.

    Args:
        missing_mask (str): ``'skip'``, ``'box'`` or ``'raise'``.
        data_prefix (dict): ``dict(img='images/')``. Defaults to
            ``dict(img='')``.
        pipeline (Sequence[dict | Callable]): See above.
        *args, **kwargs: As :class:`mmdet.datasets.CocoDataset` (``ann_file``,
            ``data_root``, ``filter_cfg``, ``test_mode``, ``backend_args``,
            ``lazy_init``, ...).
    """

    METAINFO = dict(classes=('hand', ), palette=[(220, 20, 60)])

    def __init__(self,
                 *args,
                 missing_mask: str = 'skip',
                 data_prefix: dict = dict(img=''),
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 **kwargs) -> None:
        if missing_mask not in ('skip', 'box', 'raise'):
            raise ValueError("missing_mask must be 'skip', 'box' or 'raise', "
                             f'got {missing_mask!r}')
        self.missing_mask = missing_mask
        self.missing_mask_img_ids: List = []
        # Built with baa_mm's registry (as RSNABoneAgeDataset does), so that
        # the dataset works without default_scope='baa_mm'.
        pipeline = [TRANSFORMS.build(t) if isinstance(t, dict) else t
                    for t in pipeline]
        super().__init__(
            *args, data_prefix=data_prefix, pipeline=pipeline, **kwargs)
        # metrics read their annotation files under the data root
        self._metainfo['data_root'] = self.data_root

    def parse_data_info(self, raw_data_info: dict) -> dict:
        """Parse one image; count (or box-fill) instances without a mask."""
        data_info = super().parse_data_info(raw_data_info)
        missing = [inst for inst in data_info['instances']
                   if 'mask' not in inst]
        if missing and self.missing_mask == 'box':
            for inst in missing:
                x1, y1, x2, y2 = inst['bbox']
                inst['mask'] = [[x1, y1, x2, y1, x2, y2, x1, y2]]
        data_info['num_missing_masks'] = len(missing)
        return data_info

    def load_data_list(self) -> List[dict]:
        """Load the COCO file and handle images with box-only annotations."""
        data_list = super().load_data_list()
        bad = [d['img_id'] for d in data_list if d['num_missing_masks']]
        self.missing_mask_img_ids = bad
        if not bad:
            return data_list
        msg = (f'{self.ann_file}: {len(bad)} of {len(data_list)} images have '
               f'annotations without a mask (box-only), e.g. image ids '
               f'{bad[:5]}')
        logger = MMLogger.get_current_instance()
        if self.missing_mask == 'raise':
            raise ValueError(f"{msg}; pass missing_mask='skip' to drop them "
                             "or 'box' to use their boxes as masks")
        if self.missing_mask == 'box':
            logger.warning(f'{msg}; their boxes are used as masks '
                           "(missing_mask='box')")
            return data_list
        logger.warning(f"{msg}; these images are skipped "
                       "(missing_mask='skip')")
        return [d for d in data_list if not d['num_missing_masks']]
