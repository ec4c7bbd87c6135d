"""collect_inputs: files, folders, globs, CSVs and arrays → one record each."""
import numpy as np
import pytest

from baa_mm.apis import collect_inputs
from baa_mm.apis.inputs import read_input_csv


def _touch(path, text='x'):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def test_folder_search_is_recursive_sorted_and_lists_other_files(tmp_path):
    a = _touch(tmp_path / 'b.png')
    b = _touch(tmp_path / 'sub' / 'a.DCM')
    c = _touch(tmp_path / 'sub' / 'IM0001')  # DICOM exports: no suffix
    notes = _touch(tmp_path / 'notes.txt')
    _touch(tmp_path / '.hidden.png')
    out = collect_inputs(str(tmp_path))
    assert [r.source for r in out.inputs] == [a, c, b]  # sorted by name
    assert out.ignored == [notes]


def test_files_globs_arrays_and_missing_paths(tmp_path):
    a = _touch(tmp_path / 'x1.png')
    b = _touch(tmp_path / 'x2.png')
    arr = np.zeros((8, 8), np.uint8)
    missing = str(tmp_path / 'gone.png')
    out = collect_inputs([str(tmp_path / 'x*.png'), arr, missing])
    assert [r.source for r in out.inputs] == [a, b, '<array 1>', missing]
    assert out.inputs[2].array is arr and not out.inputs[2].is_file
    with pytest.raises(ValueError, match=r'nothing\*\.png.*matches no file'):
        collect_inputs(str(tmp_path / 'nothing*.png'))
    with pytest.raises(TypeError, match='input 0'):
        collect_inputs([3])


def test_csv_lists_images_with_sex_and_age(tmp_path):
    _touch(tmp_path / 'img' / 'a.png')
    csv = tmp_path / 'list.csv'
    csv.write_text('Path,Sex,chrono_age\nimg/a.png,F,120\n'
                   f'{tmp_path / "abs.png"},,\n')
    recs = collect_inputs(str(csv)).inputs
    assert recs[0].source == str(tmp_path / 'img' / 'a.png')
    assert (recs[0].sex, recs[0].sex_source) == (0, 'csv')
    assert (recs[0].chrono_age, recs[0].age_source) == (120., 'csv')
    assert recs[1].source == str(tmp_path / 'abs.png')
    assert recs[1].sex is None and recs[1].chrono_age is None


@pytest.mark.parametrize('text,match', [
    ('name,sex\na.png,F\n', r'list\.csv: no image path column'),
    ('path,sex\na.png,X\n', r'list\.csv, row 2: unknown .sex. value .X.'),
    ('path,age\na.png,ten\n', r'list\.csv, row 2: .age. is not a number'),
    ('path,age\na.png,-3\n', r'row 2: .age. must be a non-negative'),
    ('path\n\n,\n', r'row 2: empty .path.'),
])
def test_bad_csv_names_file_row_and_field(tmp_path, text, match):
    csv = tmp_path / 'list.csv'
    csv.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_input_csv(str(csv))
