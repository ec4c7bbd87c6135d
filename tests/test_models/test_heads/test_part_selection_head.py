"""PartSelectionHead: anchor scores in mmdet's order, top-M parts."""
import pytest
import torch
from mmdet.models.task_modules.prior_generators import AnchorGenerator

from baa_mm.registry import MODELS
from baa_mm.utils import register_all_modules

register_all_modules()

STRIDES = [8, 16, 32]
RATIOS = [0.5, 1.0, 2.0]
SCALES = [1.5, 2.0]
A = len(RATIOS) * len(SCALES)  # base anchors per location
CHANNELS = [4, 6, 8]


def _head(**kw):
    cfg = dict(
        type='PartSelectionHead',
        in_channels=CHANNELS,
        anchor_generator=dict(_scope_='mmdet', type='AnchorGenerator',
                              strides=STRIDES, ratios=RATIOS, scales=SCALES),
        feat_channels=0)
    cfg.update(kw)
    head = MODELS.build(cfg)
    head.init_weights()
    return head.eval()


def _feats(n, h, w):
    """Per-level (n, C_i, h / s_i, w / s_i) features of an h x w input."""
    return [torch.randn(n, c, h // s, w // s)
            for c, s in zip(CHANNELS, STRIDES)]


def _mmdet_anchors(sizes):
    return torch.cat(AnchorGenerator(strides=STRIDES, ratios=RATIOS,
                                     scales=SCALES).grid_priors(sizes, device='cpu'))


def _iou(a, b):
    lt = torch.maximum(a[:2], b[:2])
    rb = torch.minimum(a[2:], b[2:])
    inter = (rb - lt).clamp(min=0).prod()
    area = (a[2:] - a[:2]).prod() + (b[2:] - b[:2]).prod()
    return float(inter / (area - inter))


def test_scores_shape_and_anchors():
    head = _head()
    feats = _feats(2, 64, 96)
    sizes = [tuple(f.shape[-2:]) for f in feats]
    assert sizes == [(8, 12), (4, 6), (2, 3)]
    scores = head(feats)
    assert scores.shape == (2, (8 * 12 + 4 * 6 + 2 * 3) * A)
    torch.testing.assert_close(head.anchors(sizes, 'cpu'),
                               _mmdet_anchors(sizes))


@pytest.mark.parametrize('level,y,x', [(0, 1, 2), (0, 6, 11), (1, 3, 0),
                                       (2, 1, 2)])
def test_scores_are_ordered_as_grid_priors(level, y, x):
    """A feature that is non-zero at one location of one level changes
    exactly the A scores of that location, and those are the anchors that
    mmdet's grid_priors centres there (level by level, row-major, base
    anchors innermost)."""
    head = _head()
    feats = [torch.zeros(1, c, 64 // s, 96 // s)
             for c, s in zip(CHANNELS, STRIDES)]
    base = head(feats)
    feats[level][0, :, y, x] = 1.
    changed = (head(feats) - base).abs()[0] > 0
    idx = changed.nonzero(as_tuple=True)[0]
    sizes = [tuple(f.shape[-2:]) for f in feats]
    offset = sum(h * w * A for h, w in sizes[:level])
    w_level = sizes[level][1]
    start = offset + (y * w_level + x) * A
    assert idx.tolist() == list(range(start, start + A))
    anchors = _mmdet_anchors(sizes)[idx]
    centres = (anchors[:, :2] + anchors[:, 2:]) / 2
    stride = STRIDES[level]
    torch.testing.assert_close(
        centres, torch.tensor([[x * stride, y * stride]] * A).float())
    # the base anchors of a level differ in size: small (low level) to large
    sides = (anchors[:, 2:] - anchors[:, :2])
    assert len({tuple(s.tolist()) for s in sides}) == A


def test_top_parts_inside_each_image():
    head = _head(num_parts=4, iou_thr=0.25)
    feats = _feats(2, 64, 96)
    shapes = [(64, 96), (40, 56)]  # the second image is padded
    boxes, part_scores, all_scores, levels = head.select(feats, shapes)
    assert boxes.shape == (2, 4, 4) and part_scores.shape == (2, 4)
    assert all_scores.shape == (2, 126 * A)
    # each part's level is the level of its anchor: levels of 96 / 24 / 6
    # locations (64 x 96 input, strides 8 / 16 / 32), A anchors each
    sizes = [96 * A, 24 * A, 6 * A]
    assert levels.shape == (2, 4) and levels.dtype == torch.int64
    for i in range(2):
        for m in range(4):
            k = (all_scores[i] == part_scores[i, m]).nonzero()[0, 0]
            expected = sum(int(k) >= sum(sizes[:j + 1]) for j in range(2))
            assert levels[i, m] == expected
    for (h, w), img_boxes in zip(shapes, boxes):
        assert (img_boxes[:, 0] >= 0).all() and (img_boxes[:, 1] >= 0).all()
        assert (img_boxes[:, 2] <= w).all() and (img_boxes[:, 3] <= h).all()
        assert ((img_boxes[:, 2:] - img_boxes[:, :2]) >= 2).all()
        # non-maximum suppression: the parts overlap at most iou_thr
        for i in range(4):
            for j in range(i + 1, 4):
                assert _iou(img_boxes[i], img_boxes[j]) <= 0.25 + 1e-6
    # best first; the first part is the best anchor that fits the image
    assert (part_scores[:, :-1] >= part_scores[:, 1:]).all()
    anchors = _mmdet_anchors([tuple(f.shape[-2:]) for f in feats])
    for i, (h, w) in enumerate(shapes):
        clipped = torch.stack([anchors[:, 0].clamp(0, w),
                               anchors[:, 1].clamp(0, h),
                               anchors[:, 2].clamp(0, w),
                               anchors[:, 3].clamp(0, h)], dim=1)
        fits = ((clipped[:, 2:] - clipped[:, :2]) >= 2).all(dim=1)
        best = all_scores[i][fits].max()
        assert part_scores[i, 0] == best
        k = int((all_scores[i] == best).nonzero()[0])
        torch.testing.assert_close(boxes[i, 0], clipped[k])
    # every part score is the score of its (clipped) anchor
    for i in range(2):
        for m in range(4):
            assert part_scores[i, m] in all_scores[i]


def test_part_scores_carry_gradients():
    head = _head(feat_channels=8).train()
    feats = _feats(1, 64, 64)
    _, part_scores, _, _ = head.select(feats, [(64, 64)])
    assert part_scores.requires_grad
    part_scores.sum().backward()
    assert all(p.grad is not None for p in head.parameters())


def test_configuration_errors():
    with pytest.raises(ValueError, match='2 feature levels but the anchor '
                       'generator has 3 strides'):
        _head(in_channels=[4, 6])
    with pytest.raises(ValueError, match='num_parts must be >= 1, got 0'):
        _head(num_parts=0)
    with pytest.raises(ValueError, match='expected 3 feature levels, got 2'):
        _head()(_feats(1, 64, 64)[:2])
