"""Where the RSNA Pediatric Bone Age files lie, as users download them.

Two distributions are recognised (paths relative to the download folder):

``release`` (the RSNA challenge release)::

    train.csv                     # id,boneage,male
    boneage-training-dataset/<id>.png
    Bone Age Validation Set/
        Validation Dataset.csv    # Image ID,male,Bone Age (months)
        boneage-validation-dataset-1/[boneage-validation-dataset-1/]<id>.png
        boneage-validation-dataset-2/[boneage-validation-dataset-2/]<id>.png
    Bone age ground truth.xlsx    # Case ID,Sex,
                                  # Ground truth bone age (months)
    boneage-test-dataset/<id>.png

``kaggle`` (the Kaggle mirror)::

    boneage-training-dataset.csv  # id,boneage,male
    boneage-training-dataset/boneage-training-dataset/<id>.png
    boneage-test-dataset.csv      # Case ID,Sex (no ages)
    boneage-test-dataset/boneage-test-dataset/<id>.png

Every split's folders are searched recursively (``img_search='recursive'``),
so a zip unpacked one folder deeper is found as well. The Kaggle test list
has no ages; a ``Bone age ground truth.xlsx`` from the release placed in the
Kaggle folder is used for that split instead.
"""
import os.path as osp
from typing import Dict, List, NamedTuple, Optional, Tuple

__all__ = [
    'RSNASplit', 'RSNA_LAYOUTS', 'RSNA_RELEASE_COUNTS', 'detect_rsna_layout',
    'rsna_split_kwargs', 'split_label_file'
]


class RSNASplit(NamedTuple):
    """One split of a layout.

    ``labels``: candidate label tables, the first that exists is used;
    ``folders``: the image folders (all expected to exist).
    """
    name: str
    labels: Tuple[str, ...]
    folders: Tuple[str, ...]


_VAL = 'Bone Age Validation Set'
_TEST_GT = 'Bone age ground truth.xlsx'

RSNA_LAYOUTS: Dict[str, Tuple[RSNASplit, ...]] = {
    'release': (
        RSNASplit('train', ('train.csv', ), ('boneage-training-dataset', )),
        RSNASplit('validation', (f'{_VAL}/Validation Dataset.csv', ),
                  (f'{_VAL}/boneage-validation-dataset-1',
                   f'{_VAL}/boneage-validation-dataset-2')),
        RSNASplit('test', (_TEST_GT, ), ('boneage-test-dataset', )),
    ),
    'kaggle': (
        RSNASplit('train', ('boneage-training-dataset.csv', ),
                  ('boneage-training-dataset', )),
        RSNASplit('test', (_TEST_GT, 'boneage-test-dataset.csv'),
                  ('boneage-test-dataset', )),
    ),
}

#: Images per split in the full RSNA release (Halabi et al., Radiology
#: 2019); the Kaggle mirror has the same training and test images.
RSNA_RELEASE_COUNTS = dict(train=12611, validation=1425, test=200)

# files / folders only one layout has
_MARKERS = dict(
    release=('train.csv', _VAL),
    kaggle=('boneage-training-dataset.csv', 'boneage-test-dataset.csv'))


def detect_rsna_layout(root: str) -> str:
    """'release' or 'kaggle', from the files in ``root``.

    Raises:
        FileNotFoundError: ``root`` is not a folder.
        ValueError: Neither layout, or both, found (the message lists the
            files each layout has).
    """
    if not osp.isdir(root):
        raise FileNotFoundError(f'RSNA folder not found: {root}')
    found = [name for name, marks in _MARKERS.items()
             if any(osp.exists(osp.join(root, m)) for m in marks)]
    if len(found) == 1:
        return found[0]
    what = '; '.join(f'{k}: {" or ".join(v)}' for k, v in _MARKERS.items())
    if not found:
        raise ValueError(f'{root}: not an RSNA Bone Age download (expected '
                         f'one of the layouts, {what})')
    raise ValueError(f'{root}: has files of both layouts ({what}); choose '
                     'one with --layout')


def split_label_file(root: str, split: RSNASplit) -> Optional[str]:
    """The split's label table under ``root`` (relative), or None."""
    return next((p for p in split.labels if osp.isfile(osp.join(root, p))),
                None)


def rsna_split_kwargs(split: RSNASplit, ann_file: Optional[str] = None,
                      img_suffix='.png') -> dict:
    """The :class:`RSNABoneAgeDataset` kwargs (relative to ``data_root``)
    of a split."""
    folders: List[str] = list(split.folders)
    return dict(ann_file=ann_file or split.labels[0],
                data_prefix=dict(img_path=folders[0] if len(folders) == 1
                                 else folders),
                img_suffix=img_suffix, img_search='recursive')
