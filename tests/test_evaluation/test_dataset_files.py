"""Metrics read their annotation files under the evaluated dataset's root."""
import json

import pytest

from baa_mm.evaluation.metrics import HandCocoMetric, dataset_file


def _coco(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.png', width=8, height=8)],
        annotations=[dict(id=1, image_id=1, category_id=1, bbox=[1, 1, 4, 4],
                          area=16, iscrowd=0,
                          segmentation=[[1, 1, 5, 1, 5, 5, 1, 5]])],
        categories=[dict(id=1, name='hand')])))


def test_relative_paths_join_the_dataset_root(tmp_path):
    _coco(tmp_path / 'annotations' / 'val.json')
    meta = dict(data_root=str(tmp_path))
    assert dataset_file('annotations/val.json', meta, 'M') == str(
        tmp_path / 'annotations' / 'val.json')
    absolute = str(tmp_path / 'annotations' / 'val.json')
    assert dataset_file(absolute, dict(data_root='/elsewhere'), 'M') == \
        absolute
    # without a dataset root the path is used as given
    assert dataset_file(absolute, None, 'M') == absolute


def test_missing_file_names_metric_path_and_root(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r"PartHitMetric: annotation file .*nope\.json "
                       r"not found \(under the dataset root '.*'\)"):
        dataset_file('nope.json', dict(data_root=str(tmp_path)),
                     'PartHitMetric')


def test_hand_coco_metric_loads_when_given_the_dataset(tmp_path):
    _coco(tmp_path / 'annotations' / 'val.json')
    metric = HandCocoMetric(ann_file='annotations/val.json',
                            metric=['bbox', 'segm'])
    assert metric._coco_api is None  # nothing read at build time
    metric.dataset_meta = dict(classes=('hand', ), data_root=str(tmp_path))
    assert metric._coco_api.get_img_ids() == [1]
    assert metric.dataset_meta['classes'] == ('hand', )
    with pytest.raises(FileNotFoundError, match='HandCocoMetric'):
        HandCocoMetric(ann_file='x.json').dataset_meta = dict(
            classes=('hand', ), data_root=str(tmp_path))
