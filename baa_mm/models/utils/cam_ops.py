"""Pure helpers of attention-guided localisation (no modules, no state).

Chen et al., "Attention-guided discriminative region localization and label
distribution learning for bone age assessment". Shape shorthand: N images,
C age classes (one per month, class i = age i months), K feature channels,
h x w feature map, H x W image. Boxes are ``(x1, y1, x2, y2)`` in pixels.
"""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F

# soft_age_labels and expected_ages moved to age_dist_ops; re-exported here
# so that ``from baa_mm.models.utils.cam_ops import soft_age_labels`` works
from .age_dist_ops import expected_ages, soft_age_labels  # noqa: F401

__all__ = ['class_activation_maps', 'largest_component_box', 'cam_boxes']


def class_activation_maps(feats: torch.Tensor, weight: torch.Tensor,
                          classes: torch.Tensor) -> torch.Tensor:
    """CAM of one class per image: ``A_t(i, j) = Σ_k W[t, k] F_k(i, j)``.

    Args:
        feats (Tensor): (N, K, h, w) final feature maps.
        weight (Tensor): (C, K) weights of the classifier's FC layer.
        classes (Tensor): (N,) class t of each image.

    Returns:
        Tensor: (N, h, w) float32 maps.
    """
    w = weight.float()[classes.long()]  # (N, K)
    return torch.einsum('nk,nkhw->nhw', w, feats.float())


def largest_component_box(mask: np.ndarray) -> Tuple[float, float, float,
                                                     float]:
    """Box of the largest 8-connected component of an (H, W) binary mask;
    the whole image when the mask is empty."""
    h, w = mask.shape
    num, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8)
    if num <= 1:
        return 0., 0., float(w), float(h)
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
    bw, bh = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
    return float(x), float(y), float(x + bw), float(y + bh)


def cam_boxes(cams: torch.Tensor,
              img_shapes: Sequence[Tuple[int, int]],
              rel_thr: float = 0.5,
              batch_shape: Tuple[int, int] = None,
              exclude: Optional[Sequence[Sequence[Sequence[float]]]] = None
              ) -> torch.Tensor:
    """Boxes of the strongest region of each CAM.

    Each map is resized (bilinear) to the batch input size, cut to its
    image's valid ``img_shape`` (batch padding dropped), rescaled to
    [0, 1] by its own minimum and maximum, and thresholded at ``rel_thr``
    (the paper's absolute τ = 40 on an unstated scale, made relative); the
    box is that of the largest connected component.

    Args:
        cams (Tensor): (N, h, w) maps.
        img_shapes (Sequence[tuple]): N valid ``(H_i, W_i)``.
        rel_thr (float): Threshold as a fraction of the map's range.
        batch_shape (tuple, optional): (H, W) the maps cover; defaults to
            the largest image shape.
        exclude (Sequence, optional): Per image, boxes ``(x1, y1, x2, y2)``
            in input pixels whose pixels may not be part of the region
            (e.g. the erased R1 for the R2 localiser); an image whose
            whole map is excluded gets the whole image.

    Returns:
        Tensor: (N, 4) float32 boxes in input pixels.
    """
    if not 0 <= rel_thr < 1:
        raise ValueError(f'rel_thr must be in [0, 1), got {rel_thr}')
    if batch_shape is None:
        batch_shape = (max(s[0] for s in img_shapes),
                       max(s[1] for s in img_shapes))
    up = F.interpolate(cams.detach().float()[:, None], size=tuple(batch_shape),
                       mode='bilinear', align_corners=False)[:, 0]
    boxes: List[Tuple[float, ...]] = []
    for i, (cam, (h, w)) in enumerate(zip(up, img_shapes)):
        cam = cam[:int(h), :int(w)]
        keep = torch.ones_like(cam, dtype=torch.bool)
        for x1, y1, x2, y2 in (exclude[i] if exclude else ()):
            keep[max(0, int(np.floor(y1))):max(0, int(np.ceil(y2))),
                 max(0, int(np.floor(x1))):max(0, int(np.ceil(x2)))] = False
        if not keep.any():
            boxes.append((0., 0., float(w), float(h)))
            continue
        lo, hi = cam[keep].min(), cam[keep].max()
        norm = (cam - lo) / (hi - lo) if hi > lo else torch.ones_like(cam)
        mask = ((norm >= rel_thr) & keep).cpu().numpy()
        boxes.append(largest_component_box(mask))
    return torch.tensor(boxes, dtype=torch.float32, device=cams.device)
