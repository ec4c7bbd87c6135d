"""Region files (COCO boxes per image) and RSNABoneAgeDataset(region_file=)."""
import json
import os.path as osp

import pytest

from baa_mm.datasets import (LabelFileError, RSNABoneAgeDataset,
                             attach_regions, read_region_entries,
                             read_region_file, write_region_file)
from baa_mm.datasets.image_cache import build_cache
from conftest import write_rsna_folder

IMAGES = {
    '1000': dict(file_name='1000.png', width=64, height=48,
                 regions={'H': ([2., 3., 60., 45.], 0.9),
                          'R1': ([10.5, 20., 30., 40.25], 0.25)}),
    '1001': dict(file_name='1001.png', width=64, height=48,
                 regions={'H': ([0., 0., 64., 48.], 0.5)}),
}
FAILED = [dict(file_name='/x/1002.png', region='R1',
               reason='ValueError: cannot decode')]


def test_write_read_round_trip(tmp_path):
    path = str(tmp_path / 'sub' / 'regions.json')  # folder made on writing
    write_region_file(path, IMAGES, FAILED)
    assert not osp.exists(path + '.partial')
    images, failed = read_region_entries(path)
    assert images == IMAGES
    assert failed == FAILED
    assert read_region_file(path) == {
        '1000': {'H': [2., 3., 60., 45.], 'R1': [10.5, 20., 30., 40.25]},
        '1001': {'H': [0., 0., 64., 48.]}}


def test_written_file_is_coco_xywh_with_one_category_per_region(tmp_path):
    path = str(tmp_path / 'regions.json')
    write_region_file(path, IMAGES)
    with open(path) as f:
        coco = json.load(f)
    assert coco['categories'] == [dict(id=1, name='H'), dict(id=2, name='R1')]
    assert coco['failed'] == []
    assert [i['file_name'] for i in coco['images']] == ['1000.png',
                                                        '1001.png']
    r1 = [a for a in coco['annotations'] if a['category_id'] == 2]
    assert len(r1) == 1 and len(coco['annotations']) == 3
    assert r1[0]['bbox'] == [10.5, 20., 19.5, 20.25]
    assert r1[0]['area'] == pytest.approx(19.5 * 20.25)
    assert r1[0]['score'] == 0.25 and r1[0]['iscrowd'] == 0


def test_an_image_without_boxes_is_kept_in_entries_only(tmp_path):
    path = str(tmp_path / 'regions.json')
    write_region_file(path, dict(IMAGES, **{'1003': dict(
        file_name='1003.png', width=8, height=8, regions={})}))
    images, _ = read_region_entries(path)
    assert images['1003']['regions'] == {}
    assert '1003' not in read_region_file(path)


def _infos(*stems):
    return [dict(img_id=s) for s in stems]


def test_attach_regions_raise_names_the_images(tmp_path):
    path = str(tmp_path / 'regions.json')
    write_region_file(path, IMAGES)
    # 1001 lacks R1, 1005 is not in the file at all
    with pytest.raises(LabelFileError,
                       match=r"2 of 3 images lack a box of \['H', 'R1'\], "
                       r"e\.g\. \['1001', '1005'\]"):
        attach_regions(_infos('1000', '1001', '1005'), path)


def test_attach_regions_whole_gives_none(tmp_path):
    path = str(tmp_path / 'regions.json')
    write_region_file(path, IMAGES)
    infos = _infos('1000', '1001', '1005')
    assert attach_regions(infos, path, 'whole') == 2
    assert infos[0]['regions'] == {'H': [2., 3., 60., 45.],
                                   'R1': [10.5, 20., 30., 40.25]}
    assert infos[1]['regions'] == {'H': [0., 0., 64., 48.], 'R1': None}
    assert infos[2]['regions'] == {'H': None, 'R1': None}
    # every image has every box: nothing lacking, extra stems ignored
    infos = _infos('1000')
    assert attach_regions(infos, path) == 0


def test_attach_regions_bad_rule(tmp_path):
    path = str(tmp_path / 'regions.json')
    write_region_file(path, IMAGES)
    with pytest.raises(ValueError, match='missing_region must be one of'):
        attach_regions(_infos('1000'), path, 'skip')


def test_read_missing_or_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='region file not found'):
        read_region_file(str(tmp_path / 'nope.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(dict(images=[], annotations=[])))
    with pytest.raises(LabelFileError, match="missing 'categories'"):
        read_region_file(str(bad))


# ------------------------------------------------------------------ dataset
def _dataset_regions(root, n=3, drop=None):
    images = {}
    for i in range(n):
        stem = str(1000 + i)
        if stem == drop:
            continue
        images[stem] = dict(file_name=f'{stem}.png', width=64, height=64,
                            regions={'R1': ([4. + i, 8., 36., 40.], 0.5)})
    write_region_file(osp.join(root, 'annotations', 'regions.json'), images)


def _ds(root, **kw):
    return RSNABoneAgeDataset(ann_file='train.csv', data_root=root,
                              data_prefix=dict(img_path='train'), **kw)


def test_dataset_attaches_regions_relative_to_data_root(tmp_path):
    root = str(tmp_path)
    write_rsna_folder(root, n=3, size=64)
    _dataset_regions(root)
    ds = _ds(root, region_file='annotations/regions.json',
             pipeline=[dict(type='LoadRadiograph'),
                       dict(type='StackRegions', regions=('O', 'R1'),
                            size=16),
                       dict(type='PackBoneAgeInputs')])
    assert ds.region_file == osp.join(root, 'annotations/regions.json')
    assert [ds.get_data_info(i)['regions'] for i in range(3)] == [
        {'R1': [4. + i, 8., 36., 40.]} for i in range(3)]
    assert ds[0]['inputs'].shape == (2, 16, 16)


def test_dataset_image_without_a_box(tmp_path, mm_log):
    root = str(tmp_path)
    write_rsna_folder(root, n=3, size=64)
    _dataset_regions(root, drop='1001')
    with pytest.raises(LabelFileError, match=r"1 of 3 images lack a box of "
                       r"\['R1'\], e\.g\. \['1001'\]"):
        _ds(root, region_file='annotations/regions.json')
    ds = _ds(root, region_file='annotations/regions.json',
             missing_region='whole')
    assert ds.get_data_info(1)['regions'] == {'R1': None}
    assert ds.get_data_info(2)['regions'] == {'R1': [6., 8., 36., 40.]}
    assert any('1 images lack a region box; the whole image is used'
               in r.getMessage() for r in mm_log)


def test_dataset_with_a_missing_region_file(tmp_path):
    root = str(tmp_path)
    write_rsna_folder(root, n=2, size=64)
    with pytest.raises(FileNotFoundError, match='nope.json'):
        _ds(root, region_file='nope.json')


def test_dataset_scales_boxes_with_the_image_cache(tmp_path):
    root = str(tmp_path)
    write_rsna_folder(root, n=3, size=64)
    _dataset_regions(root)
    build_cache(osp.join(root, 'train'), osp.join(root, 'cache'),
                long_side=32, progress=False)
    ds = _ds(root, region_file='annotations/regions.json',
             img_cache=dict(cache_dir='cache'))
    info = ds.get_data_info(2)
    assert info['cache_scale'] == (0.5, 0.5)
    assert info['regions'] == {'R1': [3., 4., 18., 20.]}
