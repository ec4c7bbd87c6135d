import hashlib

import pytest

from baa_mm.datasets import (IdSubsetError, LabelFileError,
                             RSNABoneAgeDataset, carve_holdout,
                             id_hash_fraction, read_id_list, select_ids,
                             write_id_list)
from baa_mm.datasets.id_subset import check_id_subset


def test_hash_fraction_is_sha1_and_stable():
    # the split must not depend on Python's randomised str hash
    expected = int.from_bytes(
        hashlib.sha1(b'baa_mm:1377').digest()[:8], 'big') / 2.0**64
    assert id_hash_fraction('1377') == expected
    assert 0 <= id_hash_fraction('x', salt='other') < 1
    assert id_hash_fraction('1377', salt='a') != id_hash_fraction('1377')


def test_carve_holdout_partitions_and_keeps_order():
    ids = [str(i) for i in range(5000)]
    rest, holdout = carve_holdout(ids, 0.2)
    assert sorted(rest + holdout, key=int) == ids
    assert not set(rest) & set(holdout)
    assert rest == sorted(rest, key=int) and holdout == sorted(holdout,
                                                               key=int)
    assert 0.17 < len(holdout) / len(ids) < 0.23
    # an id stays in its part when other rows come and go
    rest2, holdout2 = carve_holdout(ids[::3], 0.2)
    assert set(holdout2) == set(holdout) & set(ids[::3])
    # a larger fraction only adds ids to the holdout
    assert set(holdout) <= set(carve_holdout(ids, 0.3)[1])


@pytest.mark.parametrize('bad', [0, 1, -0.1, 1.5, '0.1'])
def test_carve_rejects_bad_fraction(bad):
    with pytest.raises(IdSubsetError, match='fraction'):
        carve_holdout(['1'], bad)


def test_id_list_roundtrip_and_errors(tmp_path):
    path = str(tmp_path / 'ids.txt')
    write_id_list(path, ['3', '1', '2'], header='made by a test\nline 2')
    assert open(path).read().startswith('# made by a test\n# line 2\n')
    assert read_id_list(path) == ['3', '1', '2']
    with pytest.raises(IdSubsetError, match='not found'):
        read_id_list(str(tmp_path / 'missing.txt'))
    (tmp_path / 'dup.txt').write_text('1\n2\n\n1\n')
    with pytest.raises(IdSubsetError, match=r'dup.txt, line 4: duplicate'):
        read_id_list(str(tmp_path / 'dup.txt'))
    (tmp_path / 'empty.txt').write_text('# only a comment\n\n')
    with pytest.raises(IdSubsetError, match='no ids'):
        read_id_list(str(tmp_path / 'empty.txt'))


@pytest.mark.parametrize('subset,match', [
    (dict(part='rest'), 'exactly one'),
    (dict(holdout=0.1, ids_file='x', part='rest'), 'exactly one'),
    (dict(holdout=0.1), 'part'),
    (dict(holdout=0.1, part='val'), 'part'),
    (dict(ids_file='x'), 'mode'),
    (dict(ids_file='x', mode='drop'), 'mode'),
    (dict(holdout=0.1, part='rest', seed=1), 'unknown keys'),
])
def test_check_id_subset_rejects(subset, match):
    with pytest.raises(IdSubsetError, match=match):
        check_id_subset(subset)


def test_select_ids_from_list(tmp_path):
    path = str(tmp_path / 'ids.txt')
    write_id_list(path, ['2', '4'])
    ids = ['1', '2', '3', '4']
    keep = check_id_subset(dict(ids_file=path, mode='keep'))
    assert select_ids(ids, keep) == {'2', '4'}
    drop = check_id_subset(dict(ids_file=path, mode='exclude'))
    assert select_ids(ids, drop) == {'1', '3'}
    write_id_list(path, ['2', '9'])
    with pytest.raises(IdSubsetError, match=r"1 listed ids .*\['9'\]"):
        select_ids(ids, keep)


def _dataset(root, **kwargs):
    return RSNABoneAgeDataset(ann_file='train.csv', data_root=root,
                              data_prefix=dict(img_path='train'), **kwargs)


def test_dataset_holdout_parts_partition_the_table(rsna_folder, caplog):
    full = _dataset(rsna_folder)
    ids = [full.get_data_info(i)['img_id'] for i in range(len(full))]
    parts = {}
    for part in ('rest', 'holdout'):
        ds = _dataset(rsna_folder,
                      id_subset=dict(holdout=0.3, part=part))
        parts[part] = [ds.get_data_info(i)['img_id'] for i in range(len(ds))]
    assert sorted(parts['rest'] + parts['holdout']) == sorted(ids)
    assert parts['rest'] and parts['holdout']
    assert parts == dict(zip(('rest', 'holdout'), carve_holdout(ids, 0.3)))


def test_dataset_id_list_relative_to_data_root(rsna_folder, tmp_path):
    full = _dataset(rsna_folder)
    ids = [full.get_data_info(i)['img_id'] for i in range(len(full))]
    write_id_list(f'{rsna_folder}/keep.txt', ids[:3])
    ds = _dataset(rsna_folder, id_subset=dict(ids_file='keep.txt',
                                              mode='keep'))
    assert [ds.get_data_info(i)['img_id'] for i in range(len(ds))] == ids[:3]
    ds = _dataset(rsna_folder, id_subset=dict(ids_file='keep.txt',
                                              mode='exclude'))
    assert len(ds) == len(ids) - 3
    write_id_list(f'{rsna_folder}/bad.txt', ['no-such-id'])
    with pytest.raises(LabelFileError, match=r'train.csv: .*bad.txt: 1 '):
        _dataset(rsna_folder, id_subset=dict(ids_file='bad.txt',
                                             mode='keep'))


def test_dataset_rejects_bad_option(rsna_folder):
    with pytest.raises(IdSubsetError, match='exactly one'):
        _dataset(rsna_folder, id_subset=dict(part='rest'))
