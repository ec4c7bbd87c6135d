"""The RSNA download layouts load through RSNABoneAgeDataset with the
dataset settings the configs use (see docs/user_guides/
dataset_preparation.md)."""
import os.path as osp

import pytest

from baa_mm.datasets import (RSNA_LAYOUTS, LabelFileError, RSNABoneAgeDataset,
                             detect_rsna_layout, rsna_split_kwargs)
from rsna_download import (TEST_GT, VAL, age_of, write_kaggle,
                           write_release)

PIPELINE = [dict(type='LoadRadiograph'), dict(type='PackBoneAgeInputs')]

# the dataset settings of the proposed configs, release layout
RELEASE = dict(
    train=dict(ann_file='train.csv',
               data_prefix=dict(img_path='boneage-training-dataset'),
               img_search='recursive'),
    validation=dict(
        ann_file=f'{VAL}/Validation Dataset.csv',
        data_prefix=dict(img_path=[f'{VAL}/boneage-validation-dataset-1',
                                   f'{VAL}/boneage-validation-dataset-2']),
        img_search='recursive'),
    test=dict(ann_file=TEST_GT,
              data_prefix=dict(img_path='boneage-test-dataset'),
              img_search='recursive'))
KAGGLE_TRAIN = dict(ann_file='boneage-training-dataset.csv',
                    data_prefix=dict(img_path='boneage-training-dataset'),
                    img_search='recursive')


def _ids(ds):
    return [ds.get_data_info(i)['img_id'] for i in range(len(ds))]


@pytest.mark.parametrize('nested', [True, False])
def test_release_layout(tmp_path, nested):
    root = str(tmp_path)
    ids = write_release(root, nested_val=nested)
    assert detect_rsna_layout(root) == 'release'
    for split, kw in RELEASE.items():
        ds = RSNABoneAgeDataset(data_root=root, pipeline=PIPELINE, **kw)
        assert _ids(ds) == ids[split], split
        info = ds.get_data_info(0)
        assert info['gt_age'] == age_of(info['img_id'])
        assert osp.isfile(info['img_path'])
        assert ds[0]['inputs'].shape == (1, 64, 64)
    test = RSNABoneAgeDataset(data_root=root, **RELEASE['test'])
    # Case IDs are numbers in the xlsx; Sex is M/F
    assert [test.get_data_info(i)['sex'] for i in range(3)] == [0, 1, 0]
    # the selection split is carved out of train.csv by id hash
    rest, sel = (RSNABoneAgeDataset(
        data_root=root, id_subset=dict(holdout=0.5, part=part),
        **RELEASE['train']) for part in ('rest', 'holdout'))
    assert sorted(_ids(rest) + _ids(sel)) == ids['train']
    assert not set(_ids(rest)) & set(_ids(sel))


def test_release_kwargs_match_the_layout_table():
    for split in RSNA_LAYOUTS['release']:
        kw = rsna_split_kwargs(split)
        kw.pop('img_suffix')
        assert kw == RELEASE[split.name]


def test_kaggle_layout(tmp_path):
    root = str(tmp_path)
    ids = write_kaggle(root)
    assert detect_rsna_layout(root) == 'kaggle'
    ds = RSNABoneAgeDataset(data_root=root, pipeline=PIPELINE,
                            **KAGGLE_TRAIN)
    assert _ids(ds) == ids['train']
    assert osp.dirname(ds.get_data_info(0)['img_path']) == osp.join(
        root, 'boneage-training-dataset', 'boneage-training-dataset')
    kw = rsna_split_kwargs(RSNA_LAYOUTS['kaggle'][0])
    kw.pop('img_suffix')
    assert kw == KAGGLE_TRAIN
    # the mirror's test list has no ages: it cannot be a test split
    with pytest.raises(LabelFileError, match='cannot find the age column'):
        RSNABoneAgeDataset(
            data_root=root, ann_file='boneage-test-dataset.csv',
            data_prefix=dict(img_path='boneage-test-dataset'),
            img_search='recursive')


def test_detect_layout_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='RSNA folder not found'):
        detect_rsna_layout(str(tmp_path / 'nope'))
    with pytest.raises(ValueError, match='not an RSNA Bone Age download'):
        detect_rsna_layout(str(tmp_path))
    (tmp_path / 'train.csv').write_text('id,boneage,male\n')
    (tmp_path / 'boneage-training-dataset.csv').write_text('')
    with pytest.raises(ValueError, match='both layouts.*--layout'):
        detect_rsna_layout(str(tmp_path))
