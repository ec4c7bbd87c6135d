"""load_coco: the one COCO reader, with named errors."""
import json

import pytest

from baa_mm.datasets import (LabelFileError, coco_anns_by_stem,
                             coco_images_by_stem, load_coco)


def _write(path, data):
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _coco():
    return dict(
        images=[dict(id=1, file_name='train/1377.png', width=8, height=6),
                dict(id=2, file_name='1379.png', width=8, height=6)],
        annotations=[dict(id=10, image_id=1, category_id=1, bbox=[0, 0, 2, 2]),
                     dict(id=11, image_id=1, category_id=1,
                          bbox=[1, 1, 2, 2])],
        categories=[dict(id=1, name='hand')])


def test_index_by_file_stem(tmp_path):
    coco = load_coco(_write(tmp_path / 'a.json', _coco()))
    assert sorted(coco_images_by_stem(coco)) == ['1377', '1379']
    by_stem = coco_anns_by_stem(coco)
    assert list(by_stem) == ['1377']  # 1379 has no annotation
    assert [a['id'] for a in by_stem['1377']] == [10, 11]


def test_errors_name_the_file_and_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match='hand annotation file not found: .*nope.json'):
        load_coco(str(tmp_path / 'nope.json'), 'hand annotation')
    with pytest.raises(LabelFileError, match=r'bad.json: not a JSON file'):
        load_coco(_write(tmp_path / 'bad.json', '{"images": ['))
    with pytest.raises(LabelFileError,
                       match=r"x.json: not a COCO instances file \(missing "
                       r"'images' and 'annotations'\)"):
        load_coco(_write(tmp_path / 'x.json', dict(info={})))
    data = _coco()
    data['annotations'][1]['image_id'] = 5
    with pytest.raises(LabelFileError,
                       match=r'y.json: annotation 11 refers to image_id 5, '
                       'which is not in images'):
        load_coco(_write(tmp_path / 'y.json', data))
    data = _coco()
    del data['annotations'][0]['category_id']
    with pytest.raises(LabelFileError,
                       match='z.json: annotation 10 has no category_id'):
        load_coco(_write(tmp_path / 'z.json', data))


def test_images_only_file_when_asked(tmp_path):
    path = _write(tmp_path / 'i.json', dict(images=_coco()['images']))
    with pytest.raises(LabelFileError, match="missing 'annotations'"):
        load_coco(path)
    coco = load_coco(path, require=('images', ))
    assert len(coco.imgs) == 2 and coco_anns_by_stem(coco) == {}
