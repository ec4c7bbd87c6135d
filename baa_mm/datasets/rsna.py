"""RSNA Pediatric Bone Age dataset (and any table + image folder like it)."""
import os.path as osp
from typing import (Callable, List, Optional, Sequence, Tuple,
                    Union)

from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from baa_mm.registry import DATASETS, TRANSFORMS
from .hand_file import MISSING_HAND_RULES, attach_hands
from .image_cache import CachedImageResolver, ImageCacheError, scale_coords
from .id_subset import IdSubsetError, check_id_subset, select_ids
from .image_io import check_image_file
from .image_lookup import (IMG_SEARCH_MODES, ImageIndex, parse_img_dirs,
                           parse_img_suffix)
from .label_file import LabelFileError, read_label_file
from .region_file import attach_regions

__all__ = ['RSNABoneAgeDataset']


@DATASETS.register_module()
class RSNABoneAgeDataset(BaseDataset):
    """A bone-age dataset: a label table plus a folder of radiographs.

    Reads the RSNA training CSV (``id,boneage,male``), the validation CSV
    (``Image ID,male,Bone Age (months)``) and tables with similar headers
    (see :mod:`baa_mm.datasets.label_file`).  Image ``<id>`` maps to
    ``<data_prefix.img_path>/<id><img_suffix>``; with several folders,
    several suffixes or a recursive search, the folders are indexed once
    and each id must match exactly one file (see
    :mod:`baa_mm.datasets.image_lookup`).

    Every row is validated when the dataset is built, so a bad row fails
    here with the file and line, not deep inside a dataloader worker.

    Each item of ``data_list``::

        dict(img_path=str, img_id=str, gt_age=float, sex=int | None,
             sample_idx=int)

    Args:
        ann_file (str): Label table, relative to ``data_root``.
        data_root (str): Root folder. Defaults to ''.
        data_prefix (dict): ``dict(img_path='train')`` the image folder, or
            a list of folders (each relative to ``data_root``) searched
            together.
        img_suffix (str | Sequence[str]): File extension appended to ids, a
            list of them, or 'auto' (any of .png .jpg .jpeg .bmp .tif .tiff
            .dcm .dicom). Defaults to '.png'.
        img_search (str): 'flat' (default): files directly in the folders;
            'recursive': anywhere below them (e.g. zips unpacked into a
            folder of their own name). An id matching no file, or several
            (two folders, two extensions), is a bad row naming the folders
            or the files (see ``on_bad_sample``); a listed folder that does
            not exist is an error.
        with_sex (bool | str): True: the sex column is required (models with
            a sex input); False: sex is ignored; 'auto': read if the table
            has a sex column. Defaults to True.
        age_unit (str): Unit of the ages in the table and of the model's
            targets and metrics ('months' or 'years'), stored in
            ``metainfo['age_unit']``. Defaults to 'months'.
        max_age (float, optional): Largest plausible age in ``age_unit``;
            larger ages are errors. Defaults to 240 months / 120 years.
        check_files (bool | str): At construction, 'header' (default, same
            as True) checks that every image exists, is not empty, has a
            known image signature and (PNG/JPEG) is not truncated, reading
            only a few bytes per file; 'exists' only checks existence;
            False checks nothing.
        hand_ann_file (str, optional): COCO instances JSON with hand boxes
            (and polygon masks) in the images' pixel coordinates, matched to
            rows by file name stem (``<id>.png`` → id). Adds ``hand_bbox``
            ([x1, y1, x2, y2]) and ``hand_polygons`` to each row, for
            :class:`CropToHand`. With several hands per image the annotation
            marked ``primary`` is used, else the largest; every hand is also
            listed in ``hands`` (``dict(bbox, polygons, primary)``, for
            :class:`LoadHandInstances` and segment-then-regress models).
        missing_hand (str): A row ``hand_ann_file`` has no annotation for:
            'keep' (default: ``hand_bbox=None``, ``hands=[]``, counted in
            the log), 'skip' (left out; count and ids logged, the ids in
            ``self.without_hand``; e.g. images the pseudo-mask converter
            could not mask, for models trained on the masks) or 'raise'.
        region_file (str, optional): Region boxes per image (a COCO file
            from ``tools/analysis_tools/localize_regions.py``, original-image
            pixels), added as ``regions`` ``{name: [x1, y1, x2, y2]}`` for
            :class:`EraseRegion` / :class:`StackRegions`.
        region_names (Sequence[str], optional): The regions every image
            needs a box of (default: every region in ``region_file``).
        missing_region (str): An image without a needed box: 'raise'
            (default, the error names the images) or 'whole' (the whole
            image).
        img_cache (dict, optional): Read images from a preprocessing cache
            built by ``tools/dataset_converters/build_cache.py``:
            ``dict(cache_dir=..., on_missing='raise', check_source=True)``
            (``cache_dir`` relative to ``data_root``). Each row's
            ``img_path`` then points at the cached file (``ori_img_path``
            keeps the original, ``cache_scale`` the (w, h) scale) and hand
            annotations are scaled to cached pixels. Missing or stale cache
            entries are bad rows (see ``on_bad_sample``), never used.
        id_subset (dict, optional): Use only some rows, chosen by image id
            (see :mod:`baa_mm.datasets.id_subset`):
            ``dict(holdout=0.1, part='rest' | 'holdout', salt='baa_mm')``
            carves a selection split out of the table by id hash (the same
            on every machine); ``dict(ids_file=..., mode='keep' |
            'exclude')`` keeps or drops the ids of a list (relative to
            ``data_root``; ids not in the table are an error). The log says
            how many rows were kept.
        on_bad_sample (str): 'raise' (default) stops at the first bad row with
            its file and line; 'skip' logs every bad row with its reason and
            the total count, then drops them.
        pipeline, test_mode, lazy_init, max_refetch, indices,
        serialize_data: As :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(age_unit='months', task='bone_age')
    DEFAULT_MAX_AGE = dict(months=240., years=120.)

    def __init__(self,
                 ann_file: str,
                 data_root: str = '',
                 data_prefix: dict = dict(img_path=''),
                 img_suffix: Union[str, Sequence[str]] = '.png',
                 img_search: str = 'flat',
                 with_sex: Union[bool, str] = True,
                 age_unit: str = 'months',
                 max_age: Optional[float] = None,
                 check_files: Union[bool, str] = 'header',
                 hand_ann_file: Optional[str] = None,
                 missing_hand: str = 'keep',
                 region_file: Optional[str] = None,
                 region_names: Optional[Sequence[str]] = None,
                 missing_region: str = 'raise',
                 img_cache: Optional[dict] = None,
                 id_subset: Optional[dict] = None,
                 on_bad_sample: str = 'raise',
                 metainfo: Optional[dict] = None,
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True):
        if on_bad_sample not in ('raise', 'skip'):
            raise ValueError("on_bad_sample must be 'raise' or 'skip', got "
                             f'{on_bad_sample!r}')
        if with_sex not in (True, False, 'auto'):
            raise ValueError(f"with_sex must be True, False or 'auto', got "
                             f'{with_sex!r}')
        if check_files not in (True, False, 'header', 'exists'):
            raise ValueError("check_files must be 'header', 'exists' or "
                             f'False, got {check_files!r}')
        if age_unit not in ('months', 'years'):
            raise ValueError(f"age_unit must be 'months' or 'years', got "
                             f'{age_unit!r}')
        if img_search not in IMG_SEARCH_MODES:
            raise ValueError(f'img_search must be one of {IMG_SEARCH_MODES}, '
                             f'got {img_search!r}')
        if missing_hand not in MISSING_HAND_RULES:
            raise ValueError(f'missing_hand must be one of '
                             f'{MISSING_HAND_RULES}, got {missing_hand!r}')
        if missing_hand != 'keep' and not hand_ann_file:
            raise ValueError(f'missing_hand={missing_hand!r} needs a '
                             'hand_ann_file')
        parse_img_suffix(img_suffix)  # fail here, not in load_data_list
        parse_img_dirs((data_prefix or {}).get('img_path', ''))
        # Build the pipeline with baa_mm's registry (as mmpretrain does), so
        # the dataset works without `default_scope='baa_mm'` being set.
        pipeline = [TRANSFORMS.build(t) if isinstance(t, dict) else t
                    for t in pipeline]
        self.age_unit = age_unit
        self.img_suffix = img_suffix
        self.img_search = img_search
        self.missing_hand = missing_hand
        self.without_hand: List[str] = []
        self.with_sex = with_sex
        if max_age is None:
            max_age = self.DEFAULT_MAX_AGE[age_unit]
        self.max_age = float(max_age)
        self.check_files = 'header' if check_files is True else check_files
        self.on_bad_sample = on_bad_sample
        self.hand_ann_file = hand_ann_file
        self.img_cache = dict(img_cache) if img_cache else None
        if self.img_cache and data_root and not osp.isabs(
                self.img_cache['cache_dir']):
            self.img_cache['cache_dir'] = osp.join(data_root,
                                                   self.img_cache['cache_dir'])
        if hand_ann_file and data_root and not osp.isabs(hand_ann_file):
            self.hand_ann_file = osp.join(data_root, hand_ann_file)
        self.region_file = region_file
        if region_file and data_root and not osp.isabs(region_file):
            self.region_file = osp.join(data_root, region_file)
        self.missing_region = missing_region
        self.id_subset = check_id_subset(id_subset)
        if (self.id_subset and 'ids_file' in self.id_subset and data_root
                and not osp.isabs(self.id_subset['ids_file'])):
            self.id_subset['ids_file'] = osp.join(data_root,
                                                  self.id_subset['ids_file'])
        self.region_names = region_names
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            metainfo=metainfo,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch,
            indices=indices,
            serialize_data=serialize_data)
        # Not passed via `metainfo`: mmengine would try to open str values.
        # data_root: metrics read their annotation files under it.
        self._metainfo.update(age_unit=age_unit, data_root=data_root)

    def _join_prefix(self) -> None:
        """mmengine's join, for a list of image folders too."""
        dirs = self.data_prefix.get('img_path', '')
        if isinstance(dirs, str):
            return super()._join_prefix()
        self.data_prefix['img_path'] = ''
        super()._join_prefix()
        self.data_prefix['img_path'] = [
            d if osp.isabs(d) or not self.data_root else
            osp.join(self.data_root, d) for d in dirs]

    def _check_row(self, row, seen: dict) -> Optional[str]:
        """Return why a row's labels are bad, or None."""
        if not row.img_id:
            return 'empty image id'
        if row.img_id in seen:
            return (f'duplicate image id {row.img_id!r} (first on line '
                    f'{seen[row.img_id]})')
        if row.age is None:
            return 'missing or non-numeric age'
        if row.age < 0:
            return f'negative age {row.age}'
        if row.age > self.max_age:
            return (f'implausible age {row.age} > max_age={self.max_age} '
                    f'{self.age_unit} (set max_age to allow it)')
        if self.with_sex and row.sex_text is not None and row.sex is None:
            return (f'unknown sex value {row.sex_text!r} (expected True/'
                    'False, M/F, male/female or 1/0)')
        return None

    def _image_locator(self) -> Callable[[str], Tuple[str, Optional[str]]]:
        """``img_id -> (img_path, why it is bad or None)``.

        One folder, one suffix, flat search: ``<folder>/<id><suffix>``,
        checked per ``check_files``. Otherwise the folders are indexed
        once (:class:`ImageIndex`) and the id must match one file.
        """
        dirs = parse_img_dirs(self.data_prefix.get('img_path', ''))
        suffixes = parse_img_suffix(self.img_suffix)
        if len(dirs) == 1 and len(suffixes) == 1 and \
                self.img_search == 'flat':

            def locate(img_id: str) -> Tuple[str, Optional[str]]:
                path = osp.join(dirs[0], f'{img_id}{suffixes[0]}')
                if self.check_files == 'exists' and not osp.isfile(path):
                    return path, f'image file not found: {path}'
                if self.check_files == 'header':
                    return path, check_image_file(path)
                return path, None

            return locate
        index = ImageIndex(dirs, suffixes, self.img_search)

        def locate_indexed(img_id: str) -> Tuple[str, Optional[str]]:
            reason = index.problem(img_id)
            if reason is not None:
                return '', reason
            path = index.files[img_id][0]
            if self.check_files == 'header':
                return path, check_image_file(path)
            return path, None

        return locate_indexed

    def _attach_hands(self, data_list: List[dict], logger) -> List[dict]:
        """Add ``hands``/``hand_bbox``/``hand_polygons`` (see
        :func:`attach_hands`); apply ``missing_hand``."""
        kept, missing = attach_hands(data_list, self.hand_ann_file,
                                     self.missing_hand)
        if missing:
            msg = (f'{self.hand_ann_file}: {len(missing)} of '
                   f'{len(data_list)} images have no hand annotation')
            if self.missing_hand == 'skip':
                msg += ('; left out (missing_hand="skip"): ' +
                        ', '.join(missing[:10]) +
                        (f' and {len(missing) - 10} more'
                         if len(missing) > 10 else ''))
            logger.warning(msg)
        self.without_hand = missing
        return kept

    def _apply_cache(self, data_list: List[dict], bad: List[str],
                     logger) -> List[dict]:
        """Point ``img_path`` at the cache and scale hand annotations."""
        resolver = CachedImageResolver(**self.img_cache)
        out = []
        for info in data_list:
            try:
                hit = resolver.lookup(info['img_path'])
            except ImageCacheError as e:
                msg = f'{self.ann_file}: {e}'
                if self.on_bad_sample == 'raise':
                    raise LabelFileError(msg) from e
                bad.append(msg)
                logger.warning(f'skipping {msg}')
                continue
            info['ori_img_path'] = info['img_path']
            info['img_path'] = hit.path
            info['cache_scale'] = hit.scale_factor
            for key in ('hand_bbox', 'hand_polygons'):
                if info.get(key) is not None:
                    info[key] = scale_coords(info[key], hit.scale_factor)
            for name, box in info.get('regions', {}).items():
                if box is not None:
                    info['regions'][name] = scale_coords(box,
                                                         hit.scale_factor)
            for hand in info.get('hands', []):
                for key in ('bbox', 'polygons'):
                    if hand[key] is not None:
                        hand[key] = scale_coords(hand[key], hit.scale_factor)
            out.append(info)
        return out

    def _subset_rows(self, rows: list, logger) -> list:
        """Keep the rows ``id_subset`` selects (rows without an id stay,
        to fail validation with their line)."""
        try:
            keep = select_ids([r.img_id for r in rows if r.img_id],
                              self.id_subset)
        except IdSubsetError as e:
            raise LabelFileError(f'{self.ann_file}: {e}') from e
        kept = [r for r in rows if not r.img_id or r.img_id in keep]
        logger.info(f'{self.ann_file}: id_subset {self.id_subset} keeps '
                    f'{len(kept)} of {len(rows)} rows')
        return kept

    def load_data_list(self) -> List[dict]:
        """Parse and validate the label table."""
        logger = MMLogger.get_current_instance()
        rows = read_label_file(self.ann_file,
                               require_sex=self.with_sex is True)
        if not rows:
            raise LabelFileError(f'{self.ann_file}: no data rows')
        if self.id_subset:
            rows = self._subset_rows(rows, logger)
        locate = self._image_locator()
        data_list, seen, bad = [], {}, []
        for row in rows:
            reason = self._check_row(row, seen)
            if reason is None:
                img_path, reason = locate(row.img_id)
            if reason is not None:
                msg = f'{self.ann_file}, line {row.line}: {reason}'
                if self.on_bad_sample == 'raise':
                    raise LabelFileError(msg)
                bad.append(msg)
                logger.warning(f'skipping {msg}')
                continue
            seen[row.img_id] = row.line
            data_list.append(
                dict(img_path=img_path, img_id=row.img_id,
                     gt_age=float(row.age),
                     sex=row.sex if self.with_sex else None))
        if self.hand_ann_file:
            data_list = self._attach_hands(data_list, logger)
        if self.region_file:
            lacking = attach_regions(data_list, self.region_file,
                                     self.missing_region, self.region_names)
            if lacking:
                logger.warning(f'{self.region_file}: {lacking} images lack a '
                               'region box; the whole image is used')
        if self.img_cache:
            data_list = self._apply_cache(data_list, bad, logger)
        if bad:
            logger.warning(f'{self.ann_file}: skipped {len(bad)} of '
                           f'{len(rows)} rows (on_bad_sample="skip")')
        if not data_list:
            raise LabelFileError(
                f'{self.ann_file}: no valid rows left' +
                (f' (all {len(bad)} skipped; the first: {bad[0]})'
                 if bad else ''))
        self.skipped = bad
        return data_list
