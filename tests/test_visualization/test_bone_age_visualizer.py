"""BoneAgeVisualizer: panels, boxes in the right coordinates, files."""
import numpy as np
import torch
from mmengine.structures import InstanceData

from baa_mm.structures import BoneAgeDataSample
from baa_mm.visualization import BoneAgeVisualizer, to_rgb_uint8


# Part box in network-input pixels (img_shape 32 x 32) and, on purpose NOT
# the same box scaled, in full-resolution pixels (hr_img 128 x 128): drawing
# with the wrong one puts the edges somewhere else.
IN_BOX = [4., 4., 12., 12.]  # x4 -> 16..48 at 128 px, x2 -> 8..24 at 64 px
HR_BOX = [36., 40., 60., 60.]


def _sample(with_hr=True, with_maps=True):
    s = BoneAgeDataSample().set_gt_age(100.).set_pred_age(90.)
    s.set_metainfo(dict(img_shape=(32, 32), img_id=3))
    s.pred_parts = InstanceData(
        bboxes=torch.tensor([IN_BOX]),
        hr_bboxes=torch.tensor([HR_BOX]),
        scores=torch.tensor([1.5]), ages=torch.tensor([95.]))
    if with_maps:
        s.pred_maps = {'relation_res3': torch.rand(8, 8),
                       'relation_res4': torch.rand(4, 4)}
    if with_hr:
        s.hr_img = torch.zeros(1, 128, 128)
    return s


def _red(pixels):
    """Some pixel of the (K, 3) run has the first part's colour (red,
    PART_COLORS[0], possibly anti-aliased against the black image)."""
    r, g = pixels[:, 0].astype(int), pixels[:, 1].astype(int)
    return bool(((r > 100) & (g < r // 2)).any())


def test_to_rgb_uint8():
    assert to_rgb_uint8(torch.ones(1, 5, 6)).shape == (5, 6, 3)
    img = to_rgb_uint8(np.full((4, 4), 0.5, np.float32))
    assert img.dtype == np.uint8 and (img == 128).all()


def test_panels_and_boxes_on_full_resolution():
    vis = BoneAgeVisualizer(name='t_full')
    sample = _sample()
    drawn = vis.draw_sample(sample.hr_img, sample)
    # main panel + one panel per map
    assert drawn.shape == (128, 3 * 128, 3)
    main = drawn[:, :128]
    # hr_bboxes (36, 40)-(60, 60) are drawn in red on the full-resolution
    # image: left, right, top and bottom edges
    assert _red(main[44:57, 36]) and _red(main[44:57, 60])
    assert _red(main[40, 40:57]) and _red(main[60, 40:57])
    # the input box scaled to 128 px, (16, 16)-(48, 48), is not drawn: its
    # left edge and its bottom edge outside the hr box stay black
    assert main[20:45, 14:19].max() == 0
    assert main[46:51, 20:33].max() == 0
    assert main[70:100, 70:100].max() == 0
    # heat maps are coloured
    assert drawn[:, 128:].std() > 0


def test_boxes_scaled_to_an_input_sized_image():
    vis = BoneAgeVisualizer(name='t_in')
    sample = _sample(with_hr=False, with_maps=False)
    # one text line (no gt): the text lines stack up from the bottom
    drawn = vis.draw_sample(torch.zeros(1, 64, 64), sample, draw_gt=False)
    assert drawn.shape == (64, 64, 3)
    # input box 4..12 at 32 px -> 8..24 at 64 px: left, right, bottom edges
    assert _red(drawn[12:21, 8]) and _red(drawn[12:21, 24])
    assert _red(drawn[24, 12:21])
    # hr_bboxes (full-resolution pixels) are not drawn on an input-sized
    # image: where their left/right edges and top would be stays black (the
    # bottom rows hold the age text)
    assert drawn[38:50, 34:63].max() == 0
    assert drawn[26:50, 26:34].max() == 0


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
    s.pred_maps = {f'Att{i}': torch.rand(8, 8) for i in range(6)}
    drawn = vis.draw_sample(torch.zeros(1, 64, 64), s)
    assert drawn.shape == (64, 7 * 64, 3)
    main = drawn[:, :64]
    # the mask (scaled to 64 px) is tinted, the background is not
    assert main[20:44, 20:44].mean() > 10 and main[0:10, 50:64].max() == 0
    # a fallback sample draws no mask
    s.set_metainfo(dict(fallback='no hand'))
    del s.pred_maps
    drawn = vis.draw_sample(torch.zeros(1, 64, 64), s)
    assert drawn[16:34, 20:44].max() == 0  # (the text stacks from below)
