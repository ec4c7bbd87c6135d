"""Pure tensor helpers of part selection (no modules, no state).

Shape shorthand: N images, A anchors, M parts, C channels, S crop side.
Boxes are ``(x1, y1, x2, y2)`` in pixels.
"""
from typing import List, Sequence, Tuple, Union

import torch
from mmcv.ops import batched_nms, roi_align

__all__ = [
    'clip_boxes', 'select_top_parts', 'map_boxes', 'crop_parts',
    'part_ranking_loss', 'anchor_levels'
]


def clip_boxes(boxes: torch.Tensor, height: float,
               width: float) -> torch.Tensor:
    """Clip (..., 4) boxes to ``[0, width] x [0, height]``."""
    x = boxes[..., 0::2].clamp(0, width)
    y = boxes[..., 1::2].clamp(0, height)
    return torch.stack([x[..., 0], y[..., 0], x[..., 1], y[..., 1]], dim=-1)


@torch.no_grad()
def select_top_parts(
        anchors: torch.Tensor,
        scores: torch.Tensor,
        img_shapes: Sequence[Tuple[int, int]],
        num_parts: int = 3,
        iou_thr: float = 0.25,
        pre_nms_topk: int = 1000,
        min_size: float = 2.) -> Tuple[torch.Tensor, torch.Tensor]:
    """Sort anchor scores, suppress overlaps (mmcv ``batched_nms``), keep M.

    Anchors are clipped to each image (so every returned box lies inside it,
    also when the image is smaller than the largest anchor); clipped boxes
    narrower than ``min_size`` are not candidates. All images of the batch go
    through one ``batched_nms`` call (the image index is the NMS "class", so
    images never suppress each other). If NMS leaves fewer than M boxes
    (a tiny image), the best suppressed candidates fill the remaining slots,
    so the output always has M boxes per image.

    Args:
        anchors (Tensor): (A, 4) anchors of all levels in input pixels.
        scores (Tensor): (N, A) anchor scores (any dtype; not differentiated).
        img_shapes (Sequence[tuple]): N ``(height, width)`` valid image
            sizes (before batch padding).
        num_parts (int): M.
        iou_thr (float): NMS IoU threshold.
        pre_nms_topk (int): Candidates per image before NMS.
        min_size (float): Smallest clipped side in pixels.

    Returns:
        tuple[Tensor, Tensor]: ``boxes`` (N, M, 4) float32 and ``indices``
        (N, M) int64 into the A anchors (to gather differentiable scores).
    """
    num_imgs = scores.shape[0]
    if len(img_shapes) != num_imgs:
        raise ValueError(f'{len(img_shapes)} image shapes for {num_imgs} '
                         'score rows')
    scores = scores.detach().float()
    anchors = anchors.float()
    cand_boxes, cand_scores, cand_imgs, cand_idx = [], [], [], []
    for i, (h, w) in enumerate(img_shapes):
        boxes = clip_boxes(anchors, h, w)
        valid = ((boxes[:, 2] - boxes[:, 0]) >= min_size) & \
                ((boxes[:, 3] - boxes[:, 1]) >= min_size)
        idx = valid.nonzero(as_tuple=True)[0]
        if idx.numel() == 0:
            raise ValueError(f'image {i} of size {h}x{w} has no anchor '
                             f'wider than min_size={min_size}')
        s = scores[i, idx]
        k = min(pre_nms_topk, idx.numel())
        s, order = s.topk(k)
        idx = idx[order]
        cand_boxes.append(boxes[idx])
        cand_scores.append(s)
        cand_idx.append(idx)
        cand_imgs.append(torch.full_like(idx, i))
    boxes = torch.cat(cand_boxes)
    flat_scores = torch.cat(cand_scores)
    imgs = torch.cat(cand_imgs)
    anchor_idx = torch.cat(cand_idx)
    _, keep = batched_nms(boxes, flat_scores, imgs,
                          dict(type='nms', iou_threshold=iou_thr))
    out_boxes = boxes.new_zeros(num_imgs, num_parts, 4)
    out_idx = anchor_idx.new_zeros(num_imgs, num_parts)
    start = 0
    for i, cand in enumerate(cand_idx):
        n = cand.numel()
        kept = keep[(keep >= start) & (keep < start + n)]
        # `keep` is sorted by score within an image; fill up if too few.
        if kept.numel() < num_parts:
            rest = torch.arange(start, start + n, device=keep.device)
            rest = rest[~torch.isin(rest, kept)]
            kept = torch.cat([kept, rest])
            while kept.numel() < num_parts:  # fewer candidates than M
                kept = torch.cat([kept, kept])
        kept = kept[:num_parts]
        out_boxes[i] = boxes[kept]
        out_idx[i] = anchor_idx[kept]
        start += n
    return out_boxes, out_idx


def anchor_levels(indices: torch.Tensor,
                  level_sizes: Sequence[int]) -> torch.Tensor:
    """The pyramid level of each anchor index.

    Args:
        indices (Tensor): Any shape, int64 indices into the A anchors of
            all levels, concatenated level by level (mmdet's
            ``grid_priors`` order).
        level_sizes (Sequence[int]): Anchors per level (sum = A).

    Returns:
        Tensor: int64 levels (0 = the first level), shaped as ``indices``.
    """
    ends = torch.as_tensor(list(level_sizes), device=indices.device).cumsum(0)
    if indices.numel() and (indices.min() < 0 or indices.max() >= ends[-1]):
        raise ValueError(f'anchor indices must lie in [0, {int(ends[-1])}), '
                         f'got [{int(indices.min())}, {int(indices.max())}]')
    return torch.bucketize(indices, ends, right=True)


def map_boxes(boxes: torch.Tensor, factors: torch.Tensor) -> torch.Tensor:
    """Scale (N, M, 4) boxes by per-image (N, 2) ``(fx, fy)`` factors."""
    return boxes * factors.repeat(1, 2)[:, None, :].to(boxes)


def crop_parts(images: List[torch.Tensor],
               boxes: torch.Tensor,
               out_size: Union[int, Tuple[int, int]],
               sampling_ratio: int = 0) -> torch.Tensor:
    """Crop and resize boxes with mmcv's RoIAlign (area-averaged sampling).

    Args:
        images (list[Tensor]): N images (C, H_i, W_i), sizes may differ.
        boxes (Tensor): (N, M, 4) boxes in each image's own pixels.
        out_size (int | tuple[int, int]): Output side S, or (S_h, S_w).
        sampling_ratio (int): RoIAlign samples per bin and axis; 0 (default)
            adapts to the box (``ceil(box / S)``), averaging over all source
            pixels; a small fixed value is cheaper for large boxes.

    Returns:
        Tensor: (N * M, C, S, S) crops, image-major (float32).
    """
    size = (out_size, out_size) if isinstance(out_size, int) else \
        tuple(out_size)
    crops = []
    for img, img_boxes in zip(images, boxes):
        h, w = img.shape[-2:]
        b = clip_boxes(img_boxes.float(), h, w)
        rois = torch.cat([b.new_zeros(b.shape[0], 1), b], dim=1)
        crops.append(
            roi_align(img[None].float(), rois, size, 1.0,
                      sampling_ratio, 'avg', True))
    return torch.cat(crops)


def part_ranking_loss(scores: torch.Tensor,
                      confidences: torch.Tensor,
                      margin: float = 1.0) -> torch.Tensor:
    """Pairwise hinge ranking loss of NTS-Net (Yang et al., ECCV 2018).

    For every ordered pair of parts (i, j) of one image with
    ``confidences[i] > confidences[j]``, the more confident part must have
    the higher score by at least ``margin``:
    ``max(0, margin - (s_i - s_j))``. The loss sums over pairs and averages
    over images (as NTS-Net's ``ranking_loss``).

    Args:
        scores (Tensor): (N, M) anchor scores of the selected parts.
        confidences (Tensor): (N, M) part confidences (no gradient).

    Returns:
        Tensor: scalar loss.
    """
    if scores.shape != confidences.shape:
        raise ValueError(f'scores {tuple(scores.shape)} and confidences '
                         f'{tuple(confidences.shape)} differ')
    conf = confidences.detach()
    more_conf = conf[:, :, None] > conf[:, None, :]
    hinge = (margin - (scores[:, :, None] - scores[:, None, :])).clamp(min=0)
    return (hinge * more_conf).sum() / max(scores.shape[0], 1)
