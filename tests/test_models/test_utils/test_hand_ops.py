"""paste_soft_masks: mmdet's paste, differentiable and unthresholded."""
import torch
from mmdet.models.roi_heads.mask_heads.fcn_mask_head import _do_paste_mask

from baa_mm.models.utils import paste_soft_masks


def test_paste_matches_mmdet_and_carries_gradients():
    torch.manual_seed(0)
    probs = torch.rand(3, 28, 28, requires_grad=True)
    boxes = torch.tensor([[4., 6., 30., 50.], [0., 0., 64., 48.],
                          [20.5, 10.2, 40.7, 30.1]])
    out = paste_soft_masks(probs, boxes, 48, 64)
    assert out.shape == (3, 48, 64)
    ref, _ = _do_paste_mask(probs.detach()[:, None], boxes, 48, 64,
                            skip_empty=False)
    torch.testing.assert_close(out.detach(), ref, atol=1e-5, rtol=0)
    out.sum().backward()
    assert probs.grad.abs().sum() > 0


def test_ones_fill_the_box_and_zero_outside():
    out = paste_soft_masks(torch.ones(1, 14, 14),
                           torch.tensor([[10., 20., 30., 40.]]), 50, 60)
    torch.testing.assert_close(out[0, 21:39, 11:29], torch.ones(18, 18))
    assert out[0, :19].abs().max() == 0 and out[0, :, 31:].abs().max() == 0
