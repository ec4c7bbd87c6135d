"""Pure part-selection helpers: anchors, top-M after NMS, crops, ranking."""
import pytest
import torch
from mmdet.models.task_modules.prior_generators import AnchorGenerator

from mmdet.structures.bbox import bbox_overlaps

from baa_mm.models.utils import (crop_parts, map_boxes,
                                 part_ranking_loss, select_top_parts)


def _anchors(img=64, strides=(8, 16, 32), scales=(1.5, 2.)):
    gen = AnchorGenerator(
        strides=list(strides), ratios=[0.5, 1., 2.], scales=list(scales))
    sizes = [(img // s, img // s) for s in strides]
    return torch.cat(gen.grid_priors(sizes, device='cpu'))


@pytest.mark.parametrize('img', [64, 24])
def test_top_m_after_nms_are_inside_and_non_overlapping(img):
    # 24 px is smaller than the largest anchors (64 px at stride 32).
    anchors = _anchors(64)
    torch.manual_seed(0)
    scores = torch.randn(3, anchors.shape[0])
    boxes, idx = select_top_parts(
        anchors, scores, [(img, img)] * 3, num_parts=3, iou_thr=0.25)
    assert boxes.shape == (3, 3, 4) and idx.shape == (3, 3)
    assert (boxes >= 0).all() and (boxes <= img).all()
    assert ((boxes[..., 2] - boxes[..., 0]) > 0).all()
    for b in boxes:
        iou = bbox_overlaps(b, b)
        off_diag = iou[~torch.eye(3, dtype=torch.bool)]
        assert (off_diag <= 0.25 + 1e-6).all()


def test_selection_takes_the_best_scores_first():
    anchors = _anchors(64)
    scores = torch.zeros(1, anchors.shape[0])
    best = 17
    scores[0, best] = 10.
    boxes, idx = select_top_parts(anchors, scores, [(64, 64)], num_parts=3)
    assert idx[0, 0] == best
    torch.testing.assert_close(boxes[0, 0], anchors[best].clamp(0, 64))


def test_images_of_a_batch_do_not_suppress_each_other():
    anchors = torch.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.],
                            [30., 30., 40., 40.]])
    scores = torch.tensor([[3., 2., 1.], [3., 2., 1.]])
    boxes, idx = select_top_parts(
        anchors, scores, [(64, 64)] * 2, num_parts=2, iou_thr=0.25)
    # per image: box 1 overlaps box 0 (IoU 0.68) and is suppressed
    assert idx.tolist() == [[0, 2], [0, 2]]


def test_too_few_candidates_still_fill_m_slots():
    anchors = torch.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.]])
    boxes, idx = select_top_parts(
        anchors, torch.tensor([[1., 2.]]), [(64, 64)], num_parts=3)
    assert idx.tolist() == [[1, 0, 1]]


def test_crops_come_from_the_full_resolution_image():
    # 256 px original with a fine checkerboard in one quadrant; the 64 px
    # network input (a 4x area downsample) has lost it.
    hr = torch.full((1, 256, 256), 0.5)
    yy, xx = torch.meshgrid(torch.arange(64), torch.arange(64), indexing='ij')
    hr[0, 128:192, 64:128] = ((yy + xx) % 2).float()
    hr[0, 0:64, 192:256] = 0.9
    inp = torch.nn.functional.avg_pool2d(hr[None], 4)[0]
    box_in = torch.tensor([[[16., 32., 32., 48.], [48., 0., 64., 16.]]])
    factor = torch.tensor([[4., 4.]])
    box_hr = map_boxes(box_in, factor)
    torch.testing.assert_close(box_hr[0, 0],
                               torch.tensor([64., 128., 128., 192.]))
    crops_hr = crop_parts([hr], box_hr, 64)
    crops_in = crop_parts([inp], box_in, 64)
    # the checkerboard survives only in the full-resolution crop ...
    assert crops_hr[0].std() > 0.45 and crops_in[0].std() < 0.05
    torch.testing.assert_close(crops_hr[0, 0], hr[0, 128:192, 64:128])
    # ... and the mapped box lands on the right place
    torch.testing.assert_close(crops_hr[1], torch.full((1, 64, 64), 0.9))


def test_ranking_loss_hand_computed():
    conf = torch.tensor([[0.9, 0.5, 0.1]])
    ordered = torch.tensor([[3., 2., 1.]])  # like conf, margins >= 1
    assert part_ranking_loss(ordered, conf) == 0
    # scores [1, 2, 2.5]: pairs (0>1): 1-(1-2)=2, (0>2): 1-(1-2.5)=2.5,
    # (1>2): 1-(2-2.5)=1.5 -> 6.0
    wrong = torch.tensor([[1., 2., 2.5]], requires_grad=True)
    loss = part_ranking_loss(wrong, conf)
    assert loss.item() == pytest.approx(6.0)
    loss.backward()
    # the most confident part is pushed up, the least confident down
    assert wrong.grad[0, 0] < 0 < wrong.grad[0, 2]
    # averaged over images
    two = part_ranking_loss(
        torch.cat([ordered, wrong.detach()]), torch.cat([conf, conf]))
    assert two.item() == pytest.approx(3.0)
    # ordered but closer than the margin is still penalised
    assert part_ranking_loss(torch.tensor([[3., 2.5, 2.]]), conf) > 0


def test_anchor_levels_follow_the_level_sizes():
    from baa_mm.models.utils import anchor_levels
    idx = torch.tensor([[0, 5, 6], [7, 8, 11]])
    # levels of 6, 2 and 4 anchors
    torch.testing.assert_close(anchor_levels(idx, [6, 2, 4]),
                               torch.tensor([[0, 0, 1], [1, 2, 2]]))
    with pytest.raises(ValueError, match=r'must lie in \[0, 12\)'):
        anchor_levels(torch.tensor([12]), [6, 2, 4])
