"""tools/analysis_tools/region_box_iou.py: region boxes vs annotated boxes."""
import json

import pytest

from baa_mm.datasets import write_region_file
from conftest import load_tool

tool = load_tool('tools/analysis_tools/region_box_iou.py')


def _files(tmp_path):
    # region file: 100 px thumbnails; COCO: the same images at 1000 px
    images = {
        'a': dict(file_name='a.png', width=100, height=100,
                  regions=dict(H=([10., 10., 60., 60.], 0.9))),
        'b': dict(file_name='b.png', width=100, height=100,
                  regions=dict(H=([0., 0., 50., 50.], 0.8))),
        'c': dict(file_name='c.png', width=100, height=100,
                  regions=dict(H=([0., 0., 10., 10.], 0.8))),  # no truth
    }
    regions = tmp_path / 'val_regions.json'
    write_region_file(str(regions), images)
    coco = dict(
        images=[dict(id=1, file_name='x/a.png', width=1000, height=1000),
                dict(id=2, file_name='b.png', width=1000, height=500)],
        annotations=[
            # a: exactly its H box (x10 in both directions)
            dict(id=1, image_id=1, bbox=[100, 100, 500, 500], category_id=1),
            dict(id=2, image_id=1, bbox=[900, 900, 50, 50], category_id=1),
            # b: x10 wide, x5 high -> (0, 0, 25, 50): IoU 0.5 with H
            dict(id=3, image_id=2, bbox=[0, 0, 250, 250], category_id=1)],
        categories=[dict(id=1, name='hand')])
    coco_file = tmp_path / 'hands.json'
    coco_file.write_text(json.dumps(coco))
    return str(regions), str(coco_file)


def test_iou_by_hand_and_random_boxes(tmp_path, capsys):
    regions, coco = _files(tmp_path)
    res = tool.main([regions, coco, '--region', 'H'])
    assert res['images'] == 2
    assert res['iou'] == pytest.approx((1. + 0.5) / 2)
    assert res['iou_50'] == 100.
    assert 0 <= res['random_iou'] < res['iou']
    assert 'H boxes of 2 images: IoU 0.750' in capsys.readouterr().out
    # the same seed gives the same random figure
    assert tool.box_iou(regions, coco)['random_iou'] == res['random_iou']


def test_no_common_image_is_a_named_error(tmp_path):
    regions, coco = _files(tmp_path)
    with pytest.raises(SystemExit, match="region 'R1' has an annotated box"):
        tool.box_iou(regions, coco, region='R1')
