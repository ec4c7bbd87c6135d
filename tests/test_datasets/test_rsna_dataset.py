import logging
import os.path as osp

import cv2
import numpy as np
import pytest

from baa_mm.datasets import LabelFileError, RSNABoneAgeDataset, parse_sex
from conftest import SHARED_DATA

PIPELINE = [dict(type='LoadRadiograph'), dict(type='PackBoneAgeInputs')]


def test_train_layout(rsna_folder):
    ds = RSNABoneAgeDataset(ann_file='train.csv', data_root=rsna_folder,
                            data_prefix=dict(img_path='train'),
                            pipeline=PIPELINE)
    assert len(ds) == 12
    info = ds.get_data_info(0)
    assert info['img_id'] == '1000'
    assert info['img_path'] == osp.join(rsna_folder, 'train', '1000.png')
    assert info['sex'] in (0, 1) and 12 <= info['gt_age'] <= 216
    item = ds[0]
    assert item['inputs'].shape == (1, 48, 48)
    sample = item['data_samples']
    assert float(sample.gt_age) == pytest.approx(info['gt_age'])
    assert int(sample.sex) == info['sex'] and sample.img_id == '1000'
    assert ds.metainfo['age_unit'] == 'months'


def test_val_layout(rsna_folder):
    ds = RSNABoneAgeDataset(ann_file='val.csv', data_root=rsna_folder,
                            data_prefix=dict(img_path='val'))
    assert len(ds) == 6
    assert {ds.get_data_info(i)['sex'] for i in range(6)} <= {0, 1}


@pytest.mark.parametrize('value,expected', [
    ('True', 1), ('FALSE', 0), ('m', 1), ('F', 0), ('1', 1), ('0', 0),
    ('Male', 1), ('female', 0), ('1.0', 1), ('x', None), ('', None)])
def test_parse_sex(value, expected):
    assert parse_sex(value) == expected


def _png(path):
    cv2.imwrite(str(path), np.zeros((4, 4), np.uint8))


def _write(tmp_path, text, images=('1', '2')):
    (tmp_path / 'img').mkdir(exist_ok=True)
    for i in images:
        _png(tmp_path / 'img' / f'{i}.png')
    (tmp_path / 'labels.csv').write_text(text)
    return dict(ann_file='labels.csv', data_root=str(tmp_path),
                data_prefix=dict(img_path='img'))


@pytest.mark.parametrize('text,error', [
    ('id,boneage,male\n1,100,True\n2,,False\n',
     r'labels.csv, line 3: missing or non-numeric age'),
    ('id,boneage,male\n1,100,True\n2,nan,False\n',
     r'labels.csv, line 3: missing or non-numeric age'),
    ('id,boneage,male\n1,-5,True\n', r'labels.csv, line 2: negative age -5'),
    ('id,boneage,male\n1,300,True\n',
     r'labels.csv, line 2: implausible age 300.0 > max_age=240.0'),
    ('id,boneage,male\n1,100,maybe\n',
     r"labels.csv, line 2: unknown sex value 'maybe'"),
    ('id,boneage,male\n1,100,\n', r"labels.csv, line 2: unknown sex value ''"),
    ('id,boneage,male\n1,100,True\n1,90,True\n',
     r"labels.csv, line 3: duplicate image id '1' \(first on line 2\)"),
    ('id,boneage,male\n3,100,True\n',
     r'labels.csv, line 2: image file not found: .*img/3.png'),
    ('name,age_x\n1,100\n', r'labels.csv: cannot find the id/age/sex'),
    ('', r'labels.csv: empty label file'),
])
def test_bad_rows_raise_with_file_and_line(tmp_path, text, error):
    with pytest.raises(LabelFileError, match=error):
        RSNABoneAgeDataset(**_write(tmp_path, text))


def test_missing_label_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='label file not found'):
        RSNABoneAgeDataset(ann_file='nope.csv', data_root=str(tmp_path))


def test_skip_mode_logs_every_row(tmp_path, mm_log):
    cfg = _write(tmp_path, 'id,boneage,male\n1,100,True\n2,-1,True\n'
                 '3,50,False\n')
    ds = RSNABoneAgeDataset(on_bad_sample='skip', **cfg)
    assert [ds.get_data_info(i)['img_id'] for i in range(len(ds))] == ['1']
    assert len(ds.skipped) == 2
    assert 'line 3: negative age' in ds.skipped[0]
    assert 'line 4: image file not found' in ds.skipped[1]
    # one warning per bad row (file and line named), then the count
    warnings = [r.getMessage() for r in mm_log
                if r.levelno == logging.WARNING]
    assert len(warnings) == 3
    assert warnings[0].startswith('skipping ') and \
        'labels.csv, line 3: negative age -1.0' in warnings[0]
    assert 'labels.csv, line 4: image file not found' in warnings[1] and \
        '3.png' in warnings[1]
    assert warnings[2].endswith(
        'labels.csv: skipped 2 of 3 rows (on_bad_sample="skip")')


def test_sexless_table(tmp_path):
    cfg = _write(tmp_path, 'id,boneage\n1,100\n2,50\n')
    with pytest.raises(LabelFileError, match='cannot find the sex column'):
        RSNABoneAgeDataset(**cfg)
    for with_sex in (False, 'auto'):
        ds = RSNABoneAgeDataset(with_sex=with_sex, **cfg)
        assert ds.get_data_info(1)['sex'] is None
    # 'auto' reads sex where the column exists, and still validates it
    cfg = _write(tmp_path, 'id,boneage,Sex\n1,100,F\n2,50,M\n')
    ds = RSNABoneAgeDataset(with_sex='auto', **cfg)
    assert [ds.get_data_info(i)['sex'] for i in range(2)] == [0, 1]
    cfg = _write(tmp_path, 'id,boneage,Sex\n1,100,F\n2,50,?\n')
    with pytest.raises(LabelFileError, match="line 3: unknown sex value '.'"):
        RSNABoneAgeDataset(with_sex='auto', **cfg)


@pytest.mark.parametrize('content,error', [
    (b'', 'empty image file: .*img/1.png'),
    (b'id,boneage\n', 'not an image file .*: .*img/1.png'),
    ('truncated', 'truncated PNG file .no IEND chunk.: .*img/1.png'),
])
def test_bad_image_files_found_at_construction(tmp_path, content, error):
    cfg = _write(tmp_path, 'id,boneage,male\n1,100,True\n2,50,False\n')
    path = tmp_path / 'img' / '1.png'
    if content == 'truncated':
        content = path.read_bytes()[:-20]
    path.write_bytes(content)
    with pytest.raises(LabelFileError, match=f'labels.csv, line 2: {error}'):
        RSNABoneAgeDataset(**cfg)
    # 'exists' only checks existence: the bad file surfaces when decoded
    ds = RSNABoneAgeDataset(check_files='exists', **cfg)
    assert len(ds) == 2


def test_age_unit_years(tmp_path):
    cfg = _write(tmp_path, 'id,age (years),male\n1,35.5,1\n2,130,0\n')
    with pytest.raises(LabelFileError, match='line 3: implausible age 130.0 '
                       '> max_age=120.0 years'):
        RSNABoneAgeDataset(age_unit='years', **cfg)
    ds = RSNABoneAgeDataset(age_unit='years', max_age=150, **cfg)
    assert ds.metainfo['age_unit'] == 'years'
    assert ds.get_data_info(0)['gt_age'] == 35.5


@pytest.mark.skipif(not osp.isdir(osp.join(SHARED_DATA, 'rsna100')),
                    reason='../shared/data/rsna100 not present')
def test_rsna100_loads():
    root = osp.join(SHARED_DATA, 'rsna100')
    train = RSNABoneAgeDataset(ann_file='train.csv', data_root=root,
                               data_prefix=dict(img_path='train'),
                               pipeline=PIPELINE)
    val = RSNABoneAgeDataset(ann_file='val.csv', data_root=root,
                             data_prefix=dict(img_path='val'),
                             pipeline=PIPELINE)
    assert len(train) == 10000 and len(val) == 1000
    ages = np.array([train.get_data_info(i)['gt_age'] for i in range(100)])
    assert (ages >= 0).all() and (ages <= 240).all()
    item = val[0]
    assert item['inputs'].shape == (1, 100, 100)
    assert 0 <= float(item['inputs'].min()) < float(item['inputs'].max()) <= 1


def _test_gt_rows():
    return [('Case ID', 'Sex', 'Ground truth bone age (months)'),
            (4360, 'M', 168.934), (4361, 'F', 169.652), (4362, 'm', 73.256)]


def test_test_layout_xlsx_and_csv(tmp_path):
    from openpyxl import Workbook
    (tmp_path / 'img').mkdir()
    for i in (4360, 4361, 4362):
        _png(tmp_path / 'img' / f'{i}.png')
    wb = Workbook()
    for row in _test_gt_rows():
        wb.active.append(row)
    wb.active.append((None, None, None))  # trailing blank row is ignored
    wb.save(tmp_path / 'gt.xlsx')
    with open(tmp_path / 'gt.csv', 'w') as f:
        f.write('\n'.join(','.join(map(str, r)) for r in _test_gt_rows()))
    for ann in ('gt.xlsx', 'gt.csv'):
        ds = RSNABoneAgeDataset(ann_file=ann, data_root=str(tmp_path),
                                data_prefix=dict(img_path='img'))
        infos = [ds.get_data_info(i) for i in range(len(ds))]
        assert [i['img_id'] for i in infos] == ['4360', '4361', '4362']
        assert [i['sex'] for i in infos] == [1, 0, 1]
        assert infos[0]['gt_age'] == pytest.approx(168.934)


def test_xlsx_bad_row_names_sheet_row(tmp_path):
    from openpyxl import Workbook
    (tmp_path / 'img').mkdir()
    wb = Workbook()
    for row in [('Case ID', 'Sex', 'Ground truth bone age (months)'),
                (1, 'M', 100), (2, 'X', 90)]:
        wb.active.append(row)
    wb.save(tmp_path / 'gt.xlsx')
    _png(tmp_path / 'img' / '1.png')
    with pytest.raises(LabelFileError,
                       match=r"gt.xlsx, line 3: unknown sex value 'X'"):
        RSNABoneAgeDataset(ann_file='gt.xlsx', data_root=str(tmp_path),
                           data_prefix=dict(img_path='img'))
    (tmp_path / 'broken.xlsx').write_bytes(b'not a zip')
    with pytest.raises(LabelFileError, match='broken.xlsx: not a readable'):
        RSNABoneAgeDataset(ann_file='broken.xlsx', data_root=str(tmp_path))


@pytest.mark.parametrize('name,content,error', [
    ('labels.xls', b'\xd0\xcf\x11\xe0', r"unsupported label file type '.xls'"),
    ('labels.csv', b'\xff\xfe\x00\x81binary\x00', 'not a text .UTF-8. CSV'),
])
def test_unreadable_label_files(tmp_path, name, content, error):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LabelFileError, match=f'{name}: {error}'):
        RSNABoneAgeDataset(ann_file=name, data_root=str(tmp_path))


@pytest.mark.skipif(not osp.isdir(osp.join(SHARED_DATA, 'rsna100')),
                    reason='../shared/data/rsna100 not present')
def test_rsna100_val_in_test_layout(tmp_path):
    """The val images with their labels rewritten in the test GT layout."""
    import csv
    from openpyxl import Workbook
    root = osp.join(SHARED_DATA, 'rsna100')
    with open(osp.join(root, 'val.csv')) as f:
        rows = list(csv.DictReader(f))
    header = ('Case ID', 'Sex', 'Ground truth bone age (months)')
    out = [(r['Image ID'], 'M' if r['male'].upper() == 'TRUE' else 'F',
            float(r['Bone Age (months)'])) for r in rows]
    wb = Workbook()
    wb.active.append(header)
    for r in out:
        wb.active.append(r)
    wb.save(tmp_path / 'test_gt.xlsx')
    with open(tmp_path / 'test_gt.csv', 'w', newline='') as f:
        csv.writer(f).writerows([header] + out)
    ref = RSNABoneAgeDataset(ann_file='val.csv', data_root=root,
                             data_prefix=dict(img_path='val'))
    for ann in ('test_gt.xlsx', 'test_gt.csv'):
        ds = RSNABoneAgeDataset(ann_file=str(tmp_path / ann), data_root=root,
                                data_prefix=dict(img_path='val'),
                                pipeline=PIPELINE)
        assert len(ds) == len(ref) == 1000
        for i in (0, 500, 999):
            a, b = ds.get_data_info(i), ref.get_data_info(i)
            assert (a['img_id'], a['sex'], a['img_path']) == \
                (b['img_id'], b['sex'], b['img_path'])
            assert a['gt_age'] == pytest.approx(b['gt_age'])
        assert ds[0]['inputs'].shape == (1, 100, 100)


@pytest.mark.skipif(not osp.isdir(osp.join(SHARED_DATA, 'rsna_fullsize')),
                    reason='../shared/data/rsna_fullsize not present')
def test_rsna_fullsize_loads_at_full_resolution():
    root = osp.join(SHARED_DATA, 'rsna_fullsize')
    ds = RSNABoneAgeDataset(ann_file='labels.csv', data_root=root,
                            data_prefix=dict(img_path='images'),
                            pipeline=[dict(type='LoadRadiograph')])
    assert len(ds) == 37
    for i in range(len(ds)):
        path = ds.get_data_info(i)['img_path']
        h, w = cv2.imread(path, cv2.IMREAD_UNCHANGED).shape[:2]
        img = ds[i]['img']
        assert img.shape == (h, w) and max(h, w) >= 600, path
        assert img.dtype == np.float32 and img.max() <= 1.
