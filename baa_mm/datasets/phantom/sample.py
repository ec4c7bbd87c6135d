"""The result of rendering one phantom."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np


@dataclass
class PhantomSample:
    """One rendered phantom.

    Attributes:
        image (np.ndarray): Radiograph of shape (H, W), dtype uint8.
        mask (np.ndarray): Exact soft-tissue hand mask of shape (H, W), bool.
        boneage (float): Label, bone age in months (1 decimal).
        male (bool): Sex.
        informative_boxes (list[dict]): ``{'name', 'bbox': [x1, y1, x2, y2],
            'visible'}`` in pixel coordinates of ``image`` (COCO / mmdet
            convention: pixel ``x`` covers ``[x, x + 1)``), clipped to
            ``[0, size]``; ``visible`` is False when the box centre lies
            outside the image. Order: :data:`INFORMATIVE_BOX_NAMES`.
        maturity (float): Maturity in months that drives the age cues.
        index (int): Image index the sample was rendered from.
        seed (int): Seed the sample was rendered from.
        style (str): ``'v1'`` or ``'v2'``.
        hands (list[dict]): Every hand in the image, primary first:
            ``primary`` (bool), ``mask`` (exact visible mask, bool (H, W);
            the primary's is ``mask``), ``boneage``, ``male``, ``maturity``,
            ``mirrored`` (bool) and its ``informative_boxes``. v1 has only
            the primary hand.
        distractor_boxes (list[dict]): Style v2: ``{'name', 'bbox': [x1, y1,
            x2, y2], ...}`` of every distractor (names in
            :data:`DISTRACTOR_NAMES`, extra keys per kind, e.g. ``text``).
            Empty for v1.
        distractor_mask (np.ndarray, optional): Style v2: bool (H, W),
            pixels of markers, tags, rulers, frame and the collimated-out
            region (disjoint from every hand mask). None for v1.
        skipped_distractors (list[str]): Style v2: distractors that were
            drawn as present but found no free place (rare).
    """
    image: np.ndarray
    mask: np.ndarray
    boneage: float
    male: bool
    informative_boxes: List[dict] = field(default_factory=list)
    maturity: float = 0.0
    index: int = 0
    seed: int = 0
    style: str = 'v1'
    hands: List[dict] = field(default_factory=list)
    distractor_boxes: List[dict] = field(default_factory=list)
    distractor_mask: Optional[np.ndarray] = None
    skipped_distractors: List[str] = field(default_factory=list)
