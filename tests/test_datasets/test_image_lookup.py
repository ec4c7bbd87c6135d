"""Image lookup: several folders, several extensions, recursive search."""
import logging
import os
import os.path as osp

import pytest

from baa_mm.datasets import (IMAGE_EXTS, ImageIndex, ImageLookupError,
                             LabelFileError, RSNABoneAgeDataset)
from rsna_download import write_dicom, write_image

PIPELINE = [dict(type='LoadRadiograph'), dict(type='PackBoneAgeInputs')]


def _touch(path):
    os.makedirs(osp.dirname(path), exist_ok=True)
    open(path, 'wb').close()


def test_index_flat_recursive_and_suffixes(tmp_path):
    a, b = str(tmp_path / 'a'), str(tmp_path / 'b')
    for p in ('a/1.png', 'a/2.PNG', 'a/3.jpg', 'a/.hidden.png', 'a/x.txt',
              'a/sub/4.png', 'a/.git/5.png', 'b/6.png', 'b/7.dcm'):
        _touch(str(tmp_path / p))
    flat = ImageIndex([a, b], '.png')
    assert sorted(flat.files) == ['1', '2', '6']  # case-insensitive suffix
    assert flat.files['2'] == [osp.join(a, '2.PNG')]
    assert flat.other_files == [osp.join(a, '3.jpg'), osp.join(a, 'x.txt'),
                                osp.join(b, '7.dcm')]
    deep = ImageIndex([a], ['.png', '.jpg'], 'recursive')
    assert sorted(deep.files) == ['1', '2', '3', '4']  # no hidden folders
    assert deep.find('4') == osp.join(a, 'sub', '4.png')
    auto = ImageIndex([a, b], 'auto')
    assert sorted(auto.files) == ['1', '2', '3', '6', '7']
    assert auto.suffixes == IMAGE_EXTS and len(auto) == 5


def test_index_errors_name_files_and_folders(tmp_path):
    for p in ('a/1.png', 'a/1.dcm', 'b/2.png', 'c/2.png'):
        _touch(str(tmp_path / p))
    a, b, c = (str(tmp_path / x) for x in 'abc')
    index = ImageIndex([a, b, c], 'auto')
    with pytest.raises(ImageLookupError) as e:
        index.find('1')
    assert str(e.value) == (f"image id '1' matches 2 files: "
                            f"{osp.join(a, '1.dcm')}, {osp.join(a, '1.png')}")
    assert index.problem('2') == (f"image id '2' matches 2 files: "
                                  f"{osp.join(b, '2.png')}, "
                                  f"{osp.join(c, '2.png')}")
    assert sorted(index.duplicates()) == ['1', '2']
    msg = ImageIndex([a, b], '.png', 'recursive').problem('9')
    assert msg == (f"no image for id '9' (.png) in ['{a}', '{b}'] "
                   '(recursive search)')
    with pytest.raises(FileNotFoundError, match='image folder not found: .*'
                       'nope'):
        ImageIndex([a, str(tmp_path / 'nope')])
    with pytest.raises(ValueError, match='img_search must be one of'):
        ImageIndex([a], search='deep')
    with pytest.raises(ValueError, match='img_suffix must be'):
        ImageIndex([a], [])


def _labels(tmp_path, ids):
    (tmp_path / 'labels.csv').write_text(
        'id,boneage,male\n' + ''.join(f'{i},{100 + k},True\n'
                                      for k, i in enumerate(ids)))
    return dict(ann_file='labels.csv', data_root=str(tmp_path))


def test_dataset_searches_a_list_of_folders_and_nested_zips(tmp_path):
    write_image(str(tmp_path / 'z1' / '1386.png'), '1386')
    write_image(str(tmp_path / 'z2' / 'z2' / '1390.png'), '1390')
    kw = _labels(tmp_path, ['1386', '1390'])
    folders = ['z1', 'z2']
    with pytest.raises(LabelFileError) as e:  # flat: z2/z2 is not searched
        RSNABoneAgeDataset(data_prefix=dict(img_path=folders), **kw)
    assert str(e.value) == (
        f"{tmp_path / 'labels.csv'}, line 3: no image for id '1390' (.png) "
        f"in ['{tmp_path / 'z1'}', '{tmp_path / 'z2'}'] (flat search)")
    ds = RSNABoneAgeDataset(data_prefix=dict(img_path=folders),
                            img_search='recursive', pipeline=PIPELINE, **kw)
    assert [ds.get_data_info(i)['img_path'] for i in range(2)] == [
        str(tmp_path / 'z1' / '1386.png'),
        str(tmp_path / 'z2' / 'z2' / '1390.png')]
    assert ds.data_prefix['img_path'] == [str(tmp_path / 'z1'),
                                          str(tmp_path / 'z2')]
    assert ds[1]['inputs'].shape == (1, 64, 64)
    # absolute folders are kept; the same works for one folder in a list
    ds = RSNABoneAgeDataset(data_prefix=dict(img_path=[str(tmp_path)]),
                            img_search='recursive', **kw)
    assert len(ds) == 2


def test_mixed_extensions_load_with_auto(tmp_path):
    img = tmp_path / 'img'
    write_image(str(img / '1.png'), '1')
    write_image(str(img / '2.jpg'), '2')
    write_dicom(str(img / '3.dcm'), '3')
    kw = _labels(tmp_path, ['1', '2', '3'])
    with pytest.raises(LabelFileError, match="line 3: no image for id '2'"):
        RSNABoneAgeDataset(data_prefix=dict(img_path='img'),
                           img_suffix=['.png', '.dcm'], **kw)
    ds = RSNABoneAgeDataset(data_prefix=dict(img_path='img'),
                            img_suffix='auto', pipeline=PIPELINE, **kw)
    assert [osp.basename(ds.get_data_info(i)['img_path'])
            for i in range(3)] == ['1.png', '2.jpg', '3.dcm']
    for i in range(3):  # each decodes through the pipeline
        assert ds[i]['inputs'].shape == (1, 64, 64)


def test_ambiguous_and_missing_ids_are_bad_rows(tmp_path, mm_log):
    img = tmp_path / 'img'
    for name in ('1.png', '1.jpg', '2.png'):
        write_image(str(img / name), name[0])
    kw = _labels(tmp_path, ['1', '2', '3'])
    kw.update(data_prefix=dict(img_path='img'), img_suffix='auto')
    with pytest.raises(LabelFileError) as e:
        RSNABoneAgeDataset(**kw)
    assert str(e.value) == (
        f"{tmp_path / 'labels.csv'}, line 2: image id '1' matches 2 files: "
        f"{img / '1.jpg'}, {img / '1.png'}")
    ds = RSNABoneAgeDataset(on_bad_sample='skip', **kw)
    assert [ds.get_data_info(0)['img_id']] == ['2'] and len(ds) == 1
    assert "line 2: image id '1' matches 2 files" in ds.skipped[0]
    assert "line 4: no image for id '3' (any image extension)" in \
        ds.skipped[1]
    warnings = [r.getMessage() for r in mm_log
                if r.levelno == logging.WARNING]
    assert warnings[-1].endswith('skipped 2 of 3 rows (on_bad_sample="skip")')


def test_header_check_applies_to_found_files(tmp_path):
    img = tmp_path / 'img'
    write_image(str(img / '1.png'), '1')
    data = (img / '1.png').read_bytes()
    (img / '1.png').write_bytes(data[:-20])
    kw = _labels(tmp_path, ['1'])
    kw.update(data_prefix=dict(img_path=['img']), img_search='recursive')
    with pytest.raises(LabelFileError, match='truncated PNG file'):
        RSNABoneAgeDataset(**kw)
    assert len(RSNABoneAgeDataset(check_files=False, **kw)) == 1


@pytest.mark.parametrize('kw,error', [
    (dict(img_search='deep'), 'img_search must be one of'),
    (dict(img_suffix=['.png', 3]), 'img_suffix must be'),
    (dict(data_prefix=dict(img_path=[])), 'img_path must be a folder'),
])
def test_bad_lookup_settings(tmp_path, kw, error):
    with pytest.raises(ValueError, match=error):
        RSNABoneAgeDataset(**_labels(tmp_path, ['1']), **kw)


def test_missing_folder_in_list_is_named(tmp_path):
    (tmp_path / 'a').mkdir()
    with pytest.raises(FileNotFoundError, match='image folder not found: '
                       '.*/b$'):
        RSNABoneAgeDataset(data_prefix=dict(img_path=['a', 'b']),
                           **_labels(tmp_path, ['1']))
