"""BoneAgeVisualizer: panels, boxes in the right coordinates, files."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from baa_mm.structures import BoneAgeDataSample
from baa_mm.visualization import BoneAgeVisualizer, to_rgb_uint8


def _sample(with_hr=True):
    s = BoneAgeDataSample().set_gt_age(100.).set_pred_age(90.)
    s.set_metainfo(dict(img_shape=(32, 32), img_id=3))
    s.pred_parts = InstanceData(
        bboxes=torch.tensor([[4., 4., 12., 12.]]),
        hr_bboxes=torch.tensor([[16., 16., 48., 48.]]),
        scores=torch.tensor([1.5]), ages=torch.tensor([95.]))
    s.relation_maps = [torch.rand(8, 8), torch.rand(4, 4)]
    if with_hr:
        s.hr_img = torch.zeros(1, 128, 128)
    return s


def test_to_rgb_uint8():
    assert to_rgb_uint8(torch.ones(1, 5, 6)).shape == (5, 6, 3)
    img = to_rgb_uint8(np.full((4, 4), 0.5, np.float32))
    assert img.dtype == np.uint8 and (img == 128).all()


def test_panels_and_boxes_on_full_resolution():
    vis = BoneAgeVisualizer(name='t_full')
    sample = _sample()
    drawn = vis.draw_sample(sample.hr_img, sample)
    # main panel + one panel per relation map
    assert drawn.shape == (128, 3 * 128, 3)
    main = drawn[:, :128]
    # the box (hr coordinates 16..48) is drawn, the rest stays black
    assert main[16:49, 16].max() > 0 and main[16:49, 48].max() > 0
    assert main[60:100, 60:100].max() == 0
    # heat maps are coloured
    assert drawn[:, 128:].std() > 0


def test_boxes_scaled_to_an_input_sized_image():
    vis = BoneAgeVisualizer(name='t_in')
    sample = _sample(with_hr=False)
    drawn = vis.draw_sample(torch.zeros(1, 64, 64), sample,
                            map_keys=())
    assert drawn.shape == (64, 64, 3)
    # input box 4..12 at 32 px -> 8..24 at 64 px
    assert drawn[8:25, 8].max() > 0 and drawn[28:45, 28:60].max() == 0


def test_add_datasample_writes_file(tmp_path):
    vis = BoneAgeVisualizer(name='t_file')
    out = tmp_path / 'a.png'
    sample = _sample()
    vis.add_datasample('a', sample.hr_img, sample, out_file=str(out))
    import cv2
    assert cv2.imread(str(out)).shape == (128, 384, 3)


def test_hand_mask_and_attention_maps():
    vis = BoneAgeVisualizer(name='t_hand')
    s = BoneAgeDataSample().set_pred_age(90.)
    s.set_metainfo(dict(img_shape=(32, 32)))
    mask = torch.zeros(1, 32, 32, dtype=torch.bool)
    mask[0, 8:24, 8:24] = True
    s.pred_hand = InstanceData(masks=mask, scores=torch.tensor([0.9]))
    s.attention_maps = [torch.rand(8, 8)] * 6
    drawn = vis.draw_sample(torch.zeros(1, 64, 64), s)
    assert drawn.shape == (64, 7 * 64, 3)
    main = drawn[:, :64]
    # the mask (scaled to 64 px) is tinted, the background is not
    assert main[20:44, 20:44].mean() > 10 and main[0:10, 50:64].max() == 0
    # a fallback sample draws no mask
    s.set_metainfo(dict(fallback='no hand'))
    drawn = vis.draw_sample(torch.zeros(1, 64, 64), s, map_keys=())
    assert drawn[20:44, 20:44].max() == 0
