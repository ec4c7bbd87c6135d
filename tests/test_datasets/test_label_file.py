"""baa_mm.datasets.label_file: CSV/XLSX label tables, headers, sex values."""
import pytest

from baa_mm.datasets.label_file import (LabelFileError, LabelRow,
                                        parse_sex, read_label_file)


def _csv(tmp_path, text, name='labels.csv'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _xlsx(tmp_path, rows, name='labels.xlsx'):
    from openpyxl import Workbook
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    path = tmp_path / name
    wb.save(path)
    return str(path)


def test_rsna_training_layout_csv(tmp_path):
    rows = read_label_file(_csv(
        tmp_path, 'id,boneage,male\n1377,180,False\n1378,12,True\n'))
    assert rows == [
        LabelRow('1377', 180.0, 0, 2, 'False'),
        LabelRow('1378', 12.0, 1, 3, 'True'),
    ]


def test_rsna_validation_layout_csv(tmp_path):
    rows = read_label_file(_csv(
        tmp_path, 'Image ID,male,Bone Age (months)\n1386,TRUE,30\n'
        '1392,FALSE,162.5\n'))
    assert [(r.img_id, r.age, r.sex, r.line) for r in rows] == [
        ('1386', 30.0, 1, 2), ('1392', 162.5, 0, 3)]


def test_rsna_test_layout_xlsx(tmp_path):
    # the RSNA test ground truth: Case ID, Sex (M/F), ground truth in months
    path = _xlsx(tmp_path, [
        ('Case ID', 'Sex', 'Ground truth bone age (months)'),
        (4360, 'M', 168.934), (4361, 'F', 169.4)])
    rows = read_label_file(path)
    assert [(r.img_id, r.sex, r.line) for r in rows] == [('4360', 1, 2),
                                                          ('4361', 0, 3)]
    assert rows[0].age == pytest.approx(168.934)


def test_xlsx_float_ids_and_blank_rows(tmp_path):
    path = _xlsx(tmp_path, [('id', 'boneage', 'male'), (1.0, 100, 1.0),
                            (None, None, None), (2, 50, 0)])
    rows = read_label_file(path)
    # spreadsheet rows: the blank row 3 is skipped, row numbers are kept
    assert [(r.img_id, r.age, r.sex, r.line) for r in rows] == [
        ('1', 100.0, 1, 2), ('2', 50.0, 0, 4)]


@pytest.mark.parametrize('header', [
    'ID,BoneAge,Male', ' image_id , bone_age , sex ', 'Case-ID,Age,Gender',
    '\ufeffid,boneage,male'])
def test_header_aliases(tmp_path, header):
    rows = read_label_file(_csv(tmp_path, f'{header}\n7,99,M\n'))
    assert (rows[0].img_id, rows[0].age, rows[0].sex) == ('7', 99.0, 1)


@pytest.mark.parametrize('value,expected', [
    ('True', 1), ('TRUE', 1), ('true', 1), ('M', 1), ('male', 1),
    ('Male', 1), ('1', 1), ('1.0', 1), ('yes', 1), (' m ', 1),
    ('False', 0), ('FALSE', 0), ('F', 0), ('female', 0), ('FEMALE', 0),
    ('0', 0), ('0.0', 0), ('no', 0),
    ('x', None), ('', None), ('2', None), ('mf', None)])
def test_parse_sex(value, expected):
    assert parse_sex(value) == expected


def test_f_means_female_in_a_male_column(tmp_path):
    rows = read_label_file(_csv(tmp_path, 'id,boneage,male\n1,10,F\n'
                                '2,10,M\n'))
    assert [r.sex for r in rows] == [0, 1]


def test_bad_cells_are_kept_with_their_line(tmp_path):
    rows = read_label_file(_csv(
        tmp_path, 'id,boneage,male\n1,100,True\n2,abc,False\n3,nan,True\n'
        '4,inf,True\n5,90,maybe\n6,80,\n'))
    by_id = {r.img_id: r for r in rows}
    assert [r.line for r in rows] == [2, 3, 4, 5, 6, 7]
    assert by_id['2'].age is None and by_id['2'].line == 3
    assert by_id['3'].age is None and by_id['4'].age is None
    assert by_id['5'].sex is None and by_id['5'].sex_text == 'maybe'
    assert by_id['5'].line == 6
    assert by_id['6'].sex is None and by_id['6'].sex_text == ''


def test_quoted_multiline_cell_keeps_file_lines(tmp_path):
    rows = read_label_file(_csv(
        tmp_path, 'id,boneage,male\n1,100,True\n"2\nb",50,False\n3,20,M\n'))
    # csv line numbers: the record ends on the line it ends on
    assert [r.line for r in rows] == [2, 4, 5]


def test_sexless_tables(tmp_path):
    path = _csv(tmp_path, 'id,boneage\n1,100\n')
    with pytest.raises(LabelFileError, match=r'labels.csv: cannot find the '
                       r"sex column\(s\) in the header \['id', 'boneage'\]; "
                       r"accepted names: sex: \['male', 'sex', 'gender'\]"):
        read_label_file(path)
    rows = read_label_file(path, require_sex=False)
    assert rows == [LabelRow('1', 100.0, None, 2, None)]


def test_ageless_tables_on_request(tmp_path):
    # the Kaggle mirror's test list: ids and sex, no ages
    path = _csv(tmp_path, 'Case ID,Sex\n4360,F\n4361,M\n')
    with pytest.raises(LabelFileError, match='cannot find the age column'):
        read_label_file(path)
    rows = read_label_file(path, require_age=False)
    assert rows == [LabelRow('4360', None, 0, 2, 'F'),
                    LabelRow('4361', None, 1, 3, 'M')]


def test_missing_id_and_age_columns_are_named(tmp_path):
    with pytest.raises(LabelFileError, match=r'labels.csv: cannot find the '
                       r'id/age column\(s\)'):
        read_label_file(_csv(tmp_path, 'name,years_x,male\n1,2,M\n'))


@pytest.mark.parametrize('name,content,error', [
    ('labels.csv', b'', 'empty label file'),
    ('labels.csv', b'\n', 'empty label file'),
    ('labels.xls', b'\xd0\xcf\x11\xe0', "unsupported label file type '.xls'"),
    ('labels.csv', b'\xff\xfe\x00\x81binary\x00', r'not a text \(UTF-8\) '
     'CSV file'),
    ('labels.xlsx', b'not a zip', r'not a readable .xlsx file'),
])
def test_unreadable_files_name_the_file(tmp_path, name, content, error):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LabelFileError, match=f'{name}: {error}'):
        read_label_file(str(tmp_path / name))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='label file not found: .*'
                       'nope.csv'):
        read_label_file(str(tmp_path / 'nope.csv'))


def test_a_bad_row_is_named_by_its_line_in_the_dataset_error(tmp_path):
    """The reader keeps a bad cell as None with its line; the dataset's
    error names the file and that line (CSV line / spreadsheet row)."""
    import cv2
    import numpy as np
    from baa_mm.datasets import RSNABoneAgeDataset
    (tmp_path / 'img').mkdir()
    for i in (1, 2, 3):
        cv2.imwrite(str(tmp_path / 'img' / f'{i}.png'),
                    np.zeros((4, 4), np.uint8))
    _csv(tmp_path, 'id,boneage,male\n1,100,True\n2,100,True\n3,x,True\n')
    with pytest.raises(LabelFileError, match='labels.csv, line 4: missing or '
                       'non-numeric age'):
        RSNABoneAgeDataset(ann_file='labels.csv', data_root=str(tmp_path),
                           data_prefix=dict(img_path='img'))
    _xlsx(tmp_path, [('id', 'boneage', 'male'), (1, 100, 'M'),
                     (None, None, None), (2, 100, 'Q')])
    with pytest.raises(LabelFileError, match="labels.xlsx, line 4: unknown "
                       "sex value 'Q'"):
        RSNABoneAgeDataset(ann_file='labels.xlsx', data_root=str(tmp_path),
                           data_prefix=dict(img_path='img'))
