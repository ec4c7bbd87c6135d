from .body_boxes import attach_body_boxes, read_body_boxes
from .coco_file import coco_anns_by_stem, coco_images_by_stem, load_coco
from .dicom_meta import (DicomMeta, parse_dicom_age, parse_dicom_date,
                         read_dicom_meta)
from .hand_file import MISSING_HAND_RULES, attach_hands
from .hand_masks import (PSEUDO_MASK_DEFAULTS, mask_bbox, mask_iou,
                         mask_to_coco_polygons, polygon_to_mask,
                         pseudo_hand_mask, supervisely_to_polygon)
from .hand_seg import HandSegDataset
from .id_subset import (IdSubsetError, carve_holdout, id_hash_fraction,
                        read_id_list, select_ids, write_id_list)
from .image_cache import (CachedImageResolver, ImageCacheError, build_cache,
                          scale_coords)
from .image_io import (check_image_file, decode_dicom, decode_radiograph,
                       is_dicom)
from .image_lookup import (IMAGE_EXTS, IMG_SEARCH_MODES, ImageIndex,
                           ImageLookupError)
from .label_file import LabelFileError, parse_sex, read_label_file
from .phantom import (generate_phantom_dataset, generate_phantom_split,
                      render_phantom)
from .region_file import (MISSING_REGION_RULES, attach_regions,
                          read_region_entries, read_region_file,
                          write_region_file)
from .rsna import RSNABoneAgeDataset
from .rsna_layout import (RSNA_LAYOUTS, RSNA_RELEASE_COUNTS, RSNASplit,
                          detect_rsna_layout, rsna_split_kwargs,
                          split_label_file)
from .transforms import *  # noqa: F401,F403
from .wholebody_ct import WholeBodyCTDataset
from .wholebody_phantom import (generate_wholebody_phantom,
                                render_wholebody_phantom)

__all__ = [
    'load_coco', 'coco_anns_by_stem', 'coco_images_by_stem',
    'RSNABoneAgeDataset', 'WholeBodyCTDataset', 'HandSegDataset',
    'LabelFileError', 'read_label_file', 'parse_sex', 'decode_radiograph',
    'decode_dicom', 'is_dicom', 'check_image_file', 'render_phantom',
    'generate_phantom_split', 'generate_phantom_dataset', 'build_cache',
    'CachedImageResolver', 'ImageCacheError', 'scale_coords',
    'polygon_to_mask', 'mask_to_coco_polygons', 'mask_iou', 'mask_bbox',
    'pseudo_hand_mask', 'supervisely_to_polygon', 'PSEUDO_MASK_DEFAULTS',
    'read_region_file', 'read_region_entries', 'write_region_file',
    'attach_regions', 'MISSING_REGION_RULES', 'read_body_boxes',
    'attach_body_boxes', 'generate_wholebody_phantom',
    'render_wholebody_phantom', 'IdSubsetError', 'carve_holdout',
    'id_hash_fraction', 'read_id_list', 'write_id_list', 'select_ids',
    'ImageIndex', 'ImageLookupError', 'IMAGE_EXTS', 'IMG_SEARCH_MODES',
    'attach_hands', 'MISSING_HAND_RULES', 'RSNASplit', 'RSNA_LAYOUTS',
    'RSNA_RELEASE_COUNTS', 'detect_rsna_layout', 'rsna_split_kwargs',
    'split_label_file', 'DicomMeta', 'read_dicom_meta', 'parse_dicom_date',
    'parse_dicom_age'
]
