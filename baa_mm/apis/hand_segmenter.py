"""A trained hand segmenter (an mmdet Mask R-CNN) applied to image files.

One place that turns a ``configs/hand_seg`` model's detections on a file into
"the hand of this radiograph": :func:`segment_hand` runs
:func:`mmdet.apis.inference_detector` and keeps one hand with
:func:`baa_mm.models.utils.choose_hand`. Used by
``tools/analysis_tools/eval_hand_segmenter.py`` (IoU against outlines) and
``tools/dataset_converters/pseudo_hand_masks.py --segmenter`` (predicted hand
masks as COCO, e.g. for background removal with
``CropToHand(mask_background=True)``).
"""
from dataclasses import dataclass

import numpy as np
import torch.nn as nn

__all__ = ['HandMask', 'init_hand_segmenter', 'segment_hand']


@dataclass
class HandMask:
    """The chosen hand of one image.

    Attributes:
        mask (np.ndarray): (H, W) bool at the file's resolution; all False
            when no hand reached the threshold.
        score (float): The chosen hand's score; when none was chosen, the
            best score of any candidate (0 without candidates).
        num_hands (int): Candidates scoring at least the threshold.
        reason (str): Empty when a hand was chosen, else why not.
    """
    mask: np.ndarray
    score: float
    num_hands: int
    reason: str = ''

    @property
    def found(self) -> bool:
        """Whether a hand was chosen."""
        return not self.reason


def init_hand_segmenter(config: str, checkpoint: str,
                        device: str = 'cpu') -> nn.Module:
    """Build a hand segmenter from its config and load a local checkpoint
    (strict; a missing file raises ``FileNotFoundError`` naming it)."""
    from mmdet.apis import init_detector

    import baa_mm  # noqa: F401  (registers baa_mm's modules)
    from baa_mm.engine import load_local_checkpoint
    model = init_detector(config, None, device=device)
    load_local_checkpoint(model, checkpoint, strict=True)
    return model


def segment_hand(model: nn.Module, path: str, shape: tuple,
                 rule: str = 'score', score_thr: float = 0.3) -> HandMask:
    """The hand of the image file ``path`` as the segmenter sees it.

    Args:
        model (nn.Module): An mmdet detector with a mask head (see
            :func:`init_hand_segmenter`).
        path (str): The image file; the model's test pipeline loads it.
        shape (tuple): (H, W) of the decoded image; the mask must match it.
        rule (str): How to choose among hands (``choose_hand``).
        score_thr (float): Candidates need at least this score.

    Raises:
        ValueError: The predicted masks do not have the image's shape (the
            message names the file).
    """
    from mmdet.apis import inference_detector

    from baa_mm.models.utils import choose_hand
    pred = inference_detector(model, path).pred_instances.cpu()
    k = choose_hand(pred, rule, score_thr)
    num = int((pred.scores >= score_thr).sum())
    if k < 0:
        best = float(pred.scores.max()) if len(pred.scores) else 0.
        return HandMask(np.zeros(tuple(shape), bool), best, num,
                        f'no hand scored >= {score_thr} (best {best:.3f})')
    mask = pred.masks[k].numpy().astype(bool)
    if mask.shape != tuple(shape):
        raise ValueError(f'{path}: mask {mask.shape} vs image {tuple(shape)}')
    return HandMask(mask, float(pred.scores[k]), num)
