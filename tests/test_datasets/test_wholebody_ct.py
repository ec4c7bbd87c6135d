import cv2
import numpy as np
import pytest

from baa_mm.datasets import LabelFileError, WholeBodyCTDataset

PIPELINE = [dict(type='LoadRadiograph'), dict(type='PackBoneAgeInputs')]


def _folder(tmp_path, table: str):
    (tmp_path / 'ct').mkdir()
    for i in ('a1', 'a2'):  # 16-bit projections
        img = np.linspace(0, 65535, 32 * 16).reshape(32, 16).astype(np.uint16)
        cv2.imwrite(str(tmp_path / 'ct' / f'{i}.png'), img)
    (tmp_path / 'ages.csv').write_text(table)
    return dict(ann_file='ages.csv', data_root=str(tmp_path),
                data_prefix=dict(img_path='ct'), pipeline=PIPELINE)


def test_years_without_sex(tmp_path):
    ds = WholeBodyCTDataset(**_folder(tmp_path, 'id,age\na1,34.5\na2,71\n'))
    assert ds.metainfo['age_unit'] == 'years'
    assert ds.metainfo['task'] == 'wholebody_ct'
    item = ds[1]
    assert float(item['data_samples'].gt_age) == 71.
    assert 'sex' not in item['data_samples']
    assert item['inputs'].shape == (1, 32, 16)
    assert float(item['inputs'].max()) == pytest.approx(1.)


def test_optional_sex_is_read_and_validated(tmp_path):
    cfg = _folder(tmp_path, 'id,Age (years),Sex\na1,20,F\na2,44,M\n')
    ds = WholeBodyCTDataset(**cfg)
    assert int(ds[0]['data_samples'].sex) == 0
    (tmp_path / 'ages.csv').write_text('id,age,sex\na1,20,F\na2,44,Q\n')
    with pytest.raises(LabelFileError, match="ages.csv, line 3: unknown sex"):
        WholeBodyCTDataset(**cfg)


def test_implausible_age_in_years(tmp_path):
    with pytest.raises(LabelFileError, match=r'line 2: implausible age 250.0 '
                       r'> max_age=120.0 years'):
        WholeBodyCTDataset(**_folder(tmp_path, 'id,age\na1,250\na2,40\n'))
