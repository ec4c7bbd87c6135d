"""Pure helpers of segment-then-regress (no modules, no state).

Shape shorthand: N images, K predicted hands, H x W input pixels.
Boxes are ``(x1, y1, x2, y2)`` in pixels.
"""
import torch
import torch.nn.functional as F
from mmdet.structures.bbox import get_box_tensor
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData

__all__ = [
    'HAND_RULES', 'choose_hand', 'hand_boxes', 'paste_mask',
    'paste_soft_masks'
]

#: Ways of picking one hand when the segmenter finds several.
HAND_RULES = ('score', 'largest', 'leftmost', 'rightmost')


def choose_hand(instances: InstanceData, rule: str = 'score',
                score_thr: float = 0.5) -> int:
    """Index of the hand to regress on, or -1 when none scores high enough.

    Args:
        instances (InstanceData): ``scores`` (K,), ``masks`` (K, H, W) and
            ``bboxes`` (K, 4) of one image.
        rule (str): 'score' (most confident), 'largest' (mask area),
            'leftmost' / 'rightmost' (box centre in the image).
        score_thr (float): Candidates need at least this score.
    """
    if rule not in HAND_RULES:
        raise ValueError(f'hand_rule must be one of {HAND_RULES}, got '
                         f'{rule!r}')
    scores = instances.scores
    ok = (scores >= score_thr).nonzero(as_tuple=True)[0]
    if ok.numel() == 0:
        return -1
    if rule == 'score':
        key = scores[ok]
    elif rule == 'largest':
        key = instances.masks[ok].flatten(1).sum(1).float()
    else:
        boxes = get_box_tensor(instances.bboxes)
        centre = (boxes[ok, 0] + boxes[ok, 2]) / 2
        key = -centre if rule == 'leftmost' else centre
    return int(ok[int(torch.argmax(key))])


def hand_boxes(masks: torch.Tensor, margin: float = 0.) -> torch.Tensor:
    """Boxes around (N, H, W) masks, widened by ``margin`` of their size on
    each side and clipped to the image; an empty mask gives the whole image.

    Returns:
        Tensor: (N, 4) float32 boxes in pixels.
    """
    h, w = masks.shape[-2:]
    boxes = mask2bbox(masks > 0)
    size = boxes[:, 2:] - boxes[:, :2]
    boxes = torch.cat([boxes[:, :2] - margin * size,
                       boxes[:, 2:] + margin * size], dim=1)
    limit = boxes.new_tensor([w, h, w, h])
    boxes = torch.minimum(boxes.clamp(min=0), limit)
    empty = (size <= 0).any(dim=1)
    boxes[empty] = boxes.new_tensor([0., 0., w, h])
    return boxes


def paste_mask(masks: torch.Tensor, i: int, mask: torch.Tensor) -> None:
    """Make ``masks[i]`` the (h', w') ``mask`` (top-left aligned, cut to
    the (H, W) of ``masks``; zero elsewhere). In place."""
    h, w = masks.shape[-2:]
    mask = mask[:h, :w].to(masks)
    masks[i] = 0
    masks[i, :mask.shape[0], :mask.shape[1]] = mask


def paste_soft_masks(probs: torch.Tensor, boxes: torch.Tensor, height: int,
                     width: int) -> torch.Tensor:
    """Paste (N, S, S) mask probabilities into their boxes of an H x W frame.

    Bilinear sampling at the frame's pixel centres (``grid_sample``,
    ``align_corners=False``, zero outside the box), as mmdet pastes its
    mask head's output, but differentiable and without thresholding: the
    gradient reaches ``probs``.

    Args:
        probs (Tensor): (N, S, S) values in [0, 1] (one per image).
        boxes (Tensor): (N, 4) boxes in frame pixels.
        height (int): H.
        width (int): W.

    Returns:
        Tensor: (N, H, W) float32.
    """
    n = probs.shape[0]
    dev = probs.device
    boxes = boxes.to(dev).float()
    x1, y1, x2, y2 = boxes.unbind(dim=1)
    xs = torch.arange(width, device=dev, dtype=torch.float32) + 0.5
    ys = torch.arange(height, device=dev, dtype=torch.float32) + 0.5
    gx = (xs[None] - x1[:, None]) / (x2 - x1).clamp(min=1e-6)[:, None]
    gy = (ys[None] - y1[:, None]) / (y2 - y1).clamp(min=1e-6)[:, None]
    grid = torch.stack([
        (gx * 2 - 1)[:, None, :].expand(n, height, width),
        (gy * 2 - 1)[:, :, None].expand(n, height, width)
    ], dim=3)
    return F.grid_sample(probs[:, None].float(), grid, mode='bilinear',
                         padding_mode='zeros', align_corners=False)[:, 0]
