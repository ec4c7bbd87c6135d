"""Segment the hand, regress bone age from the masked image (Wu et al.).

"Residual Attention Based Network for Hand Bone Age Assessment": a Mask
R-CNN (mmdet's ``MaskRCNN``, one class ``hand``) segments the hand, a
residual attention network regresses the age from the hand-masked image,
and both are trained together, ``L = L_cls + L_box + L_mask + L_reg``.

How ``L_reg`` reaches the segmenter (``coupling``): with ``'hard'``
(jointly trained) the regressor sees the image times a binary mask, so
``L_reg`` trains only the regressor; with ``'soft'`` (end to end, the
paper's contrast with "isolated" pipelines) it sees the image times the
mask head's probabilities for the hand's box, pasted into the image
(:func:`paste_soft_masks`), and ``L_reg``'s gradient flows into the mask
head, the RoI extractor and the segmenter's backbone and FPN. Soft masks
are used at inference too, so the regressor sees what it trained on.

Data flow (N images)::

    inputs (N, C, H, W) -> pixels [0, 255], 3 channels
        -> the segmenter's own DetDataPreprocessor (its mean/std, padding,
           DetDataSamples) -> MaskRCNN
        train: detector losses on gt_instances (LoadHandInstances)
        masks: ground-truth primary hand ('gt') or predicted hand ('pred')
    inputs * mask + background * (1 - mask) [-> crop to the hand box]
        -> backbone (ResidualAttentionNet) -> neck -> head (+ sex) -> age

Inference picks one predicted hand per image (``hand_rule``: most
confident, largest, left-most or right-most in the image) among those with
score >= ``score_thr``; with none it regresses on the whole image and marks
the sample (``metainfo['fallback'] = 'no hand'``).
"""
from typing import List, Optional, Sequence, Tuple

import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import bbox2roi, get_box_tensor
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.models.utils import (HAND_RULES, choose_hand, crop_parts,
                                 hand_boxes, paste_mask, paste_soft_masks)
from .base import require_interface
from .regressor import BoneAgeRegressor

__all__ = ['HandSegRegressor']


@MODELS.register_module()
class HandSegRegressor(BoneAgeRegressor):
    """Hand segmenter (Mask R-CNN) + bone-age regressor, trained end to end.

    A :class:`BoneAgeRegressor` whose input is the hand-masked image.
    ``loss`` returns the detector's losses and ``loss_age``; ``predict``
    fills ``pred_age``, ``pred_hand`` (``masks`` (1, H, W), ``bboxes``,
    ``scores`` of the chosen hand, input pixels), ``pred_instances`` (every
    hand the segmenter found: ``masks`` (K, H, W), ``bboxes``, ``scores``),
    ``num_hands`` and, with :attr:`return_maps`, ``pred_maps`` (the
    backbone's attention masks).

    What it needs of its parts: the segmenter is an mmdet detector with
    ``loss``/``predict`` and its own ``data_preprocessor`` (it receives
    0-255 pixels through it, as it would from mmdet's pipeline); the data
    preprocessor offers ``to_pixels`` and ``pixel_value``
    (:class:`BoneAgeDataPreprocessor`). ``coupling='soft'`` also needs
    the segmenter's ``extract_feat`` and a ``roi_head`` with
    ``mask_roi_extractor`` and ``mask_head`` (mmdet's two-stage detectors).

    Args:
        backbone (dict): Regressor backbone (e.g. ``ResidualAttentionNet``).
        head (dict): :class:`BoneAgeRegressionHead` (sex input optional).
        neck (dict, optional): Pooling neck.
        segmenter (dict, optional): mmdet ``MaskRCNN`` config
            (``_scope_='mmdet'``); None regresses on the whole image (the
            "without segmenter" ablation).
        regress_on (str): Mask used for the regression loss during
            training: 'gt' (the annotated primary hand) or 'pred' (the
            segmenter's choice, as at inference).
        coupling (str): 'hard' (binary masks; the regression loss does not
            reach the segmenter) or 'soft' (the mask head's probabilities;
            end to end). Defaults to 'hard'. Without a segmenter there is
            nothing to couple and it is ignored.
        crop_to_hand (bool): Also crop the masked image to the hand box
            (+ ``crop_margin``) and resize it to the input size.
        hand_rule (str): Which predicted hand to use (see
            :func:`choose_hand`).
        score_thr (float): Minimum hand score at inference.
        seg_loss_weight (float): Weight of the detector losses.
        data_preprocessor (dict, optional): Defaults to
            ``BoneAgeDataPreprocessor``.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 neck: Optional[dict] = None,
                 segmenter: Optional[dict] = None,
                 regress_on: str = 'gt',
                 coupling: str = 'hard',
                 crop_to_hand: bool = False,
                 crop_margin: float = 0.05,
                 hand_rule: str = 'score',
                 score_thr: float = 0.5,
                 seg_loss_weight: float = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if regress_on not in ('gt', 'pred'):
            raise ValueError(f"regress_on must be 'gt' or 'pred', got "
                             f'{regress_on!r}')
        if coupling not in ('hard', 'soft'):
            raise ValueError(f"coupling must be 'hard' or 'soft', got "
                             f'{coupling!r}')
        if hand_rule not in HAND_RULES:
            raise ValueError(f'hand_rule must be one of {HAND_RULES}, got '
                             f'{hand_rule!r}')
        super().__init__(backbone=backbone, head=head, neck=neck,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        # mmdet's detectors read train_cfg.rpn etc. as attributes: make
        # plain dicts (Python API) ConfigDicts
        self.segmenter = MODELS.build(ConfigDict(segmenter)) \
            if segmenter else None
        if self.segmenter is not None:
            require_interface(self.segmenter,
                              ['loss', 'predict', 'data_preprocessor'],
                              'HandSegRegressor', 'segmenter')
            require_interface(self.data_preprocessor,
                              ['to_pixels', 'pixel_value'],
                              'HandSegRegressor', 'data_preprocessor')
            if coupling == 'soft':
                require_interface(self.segmenter,
                                  ['extract_feat', 'roi_head'],
                                  'HandSegRegressor (coupling=soft)',
                                  'segmenter')
        self.regress_on = regress_on
        self.coupling = coupling
        self.crop_to_hand = crop_to_hand
        self.crop_margin = crop_margin
        self.hand_rule = hand_rule
        self.score_thr = score_thr
        self.seg_loss_weight = seg_loss_weight

    @property
    def with_segmenter(self) -> bool:
        return self.segmenter is not None

    # ------------------------------------------------------------------
    @staticmethod
    def _fp32(inputs: torch.Tensor):
        """Autocast off for the segmenter: mmcv's nms (in the RPN and the
        RoI head) has no bf16 kernel on CPU."""
        return torch.autocast(inputs.device.type, enabled=False)

    @staticmethod
    def _det_sample(sample: Optional[BoneAgeDataSample], h: int, w: int,
                    with_gt: bool) -> DetDataSample:
        """The mmdet view of one sample: its shapes and hand annotations."""
        shape = (h, w) if sample is None else \
            tuple(sample.metainfo.get('img_shape', (h, w))[:2])
        det = DetDataSample(metainfo=dict(
            img_shape=shape, ori_shape=shape, scale_factor=(1., 1.)))
        if with_gt:
            if sample is None or 'gt_instances' not in sample:
                raise ValueError('training the segmenter needs hand '
                                 'annotations: add LoadHandInstances to the '
                                 'pipeline')
            det.gt_instances = sample.gt_instances.clone()
        return det

    def det_data(self, inputs: torch.Tensor,
                 data_samples: Optional[Sequence] = None,
                 training: bool = False) -> dict:
        """The batch as the segmenter's own data preprocessor makes it.

        Args:
            inputs (Tensor): (N, C, H, W) normalised bone-age inputs.
            data_samples (Sequence, optional): Their data samples.
            training (bool): Carry the hand annotations (and pad masks).

        Returns:
            dict: ``inputs`` (N, 3, H', W') and ``data_samples``
            (DetDataSample) for ``segmenter.loss``/``predict``.
        """
        pixels = self.data_preprocessor.to_pixels(inputs.float())
        if pixels.shape[1] != 3:
            pixels = pixels[:, :1].expand(-1, 3, -1, -1)
        h, w = inputs.shape[-2:]
        samples = [self._det_sample(data_samples[i] if data_samples else
                                    None, h, w, training)
                   for i in range(inputs.shape[0])]
        return self.segmenter.data_preprocessor(
            dict(inputs=list(pixels * 255.), data_samples=samples), training)

    def gt_masks(self, inputs: torch.Tensor,
                 data_samples: Sequence) -> torch.Tensor:
        """(N, H, W) primary ground-truth hand masks (all ones if none)."""
        masks = inputs.new_ones(inputs.shape[0], *inputs.shape[-2:])
        for i, s in enumerate(data_samples):
            k = self._primary_hand(s)
            if k >= 0:
                paste_mask(masks, i, torch.from_numpy(
                    s.gt_instances.masks[[k]].to_ndarray()[0]))
        return masks

    @staticmethod
    def _primary_hand(sample: BoneAgeDataSample) -> int:
        """Index of the annotated hand the label belongs to, or -1."""
        k = sample.metainfo.get('primary_hand', -1)
        ok = 'gt_instances' in sample and 0 <= k < len(sample.gt_instances)
        return k if ok else -1

    def gt_boxes(self, inputs: torch.Tensor, data_samples: Sequence
                 ) -> Tuple[torch.Tensor, torch.Tensor]:
        """(N, 4) primary ground-truth hand boxes and (N,) bool: has one."""
        boxes = inputs.new_zeros(inputs.shape[0], 4, dtype=torch.float32)
        found = torch.zeros(inputs.shape[0], dtype=torch.bool)
        for i, s in enumerate(data_samples):
            k = self._primary_hand(s)
            if k >= 0:
                boxes[i] = get_box_tensor(s.gt_instances.bboxes)[k].to(boxes)
                found[i] = True
        return boxes, found

    def soft_masks(self, inputs: torch.Tensor, boxes: torch.Tensor,
                   found: torch.Tensor,
                   data_samples: Optional[Sequence] = None) -> torch.Tensor:
        """(N, H, W) soft hand masks: the segmenter's mask probabilities
        for one hand box per image, pasted into the input frame;
        differentiable with respect to the segmenter. Images without a box
        (``found`` False) get all ones.

        Args:
            inputs (Tensor): (N, C, H, W) normalised images.
            boxes (Tensor): (N, 4) hand boxes in input pixels.
            found (Tensor): (N,) bool.
            data_samples (Sequence, optional): For the image shapes.
        """
        h, w = inputs.shape[-2:]
        masks = inputs.new_ones(inputs.shape[0], h, w, dtype=torch.float32)
        if not bool(found.any()):
            return masks
        idx = found.nonzero(as_tuple=True)[0].to(inputs.device)
        with self._fp32(inputs):
            det = self.det_data(inputs[idx], [data_samples[int(i)] for i in
                                              idx] if data_samples else None)
            feats = self.segmenter.extract_feat(det['inputs'])
            roi_head = self.segmenter.roi_head
            extractor = roi_head.mask_roi_extractor
            rois = bbox2roi([b[None] for b in boxes[idx].float()])
            logits = roi_head.mask_head(
                extractor(feats[:extractor.num_inputs], rois))
            # one class, 'hand' (class-agnostic heads have one channel too)
            probs = logits[:, 0].float().sigmoid()
        pasted = paste_soft_masks(probs, boxes[idx], h, w)
        return masks.index_put((idx, ), pasted.to(masks))

    @staticmethod
    def chosen_boxes(preds: Sequence[InstanceData], chosen: Sequence[int],
                     device) -> Tuple[torch.Tensor, torch.Tensor]:
        """(N, 4) boxes of the chosen predicted hands and (N,) bool."""
        boxes = torch.zeros(len(preds), 4, device=device)
        found = torch.tensor([k >= 0 for k in chosen], dtype=torch.bool)
        for i, (p, k) in enumerate(zip(preds, chosen)):
            if k >= 0:
                boxes[i] = get_box_tensor(p.bboxes)[k].to(boxes)
        return boxes, found

    def segment(self, inputs: torch.Tensor,
                data_samples: Optional[Sequence] = None
                ) -> Tuple[torch.Tensor, List[InstanceData], List[int]]:
        """Predict hands; returns (N, H, W) chosen masks (ones for a
        fallback), the per-image predictions and the chosen indices."""
        with torch.no_grad(), self._fp32(inputs):
            det = self.det_data(inputs, data_samples)
            preds = self.segmenter.predict(det['inputs'],
                                           det['data_samples'],
                                           rescale=False)
        masks = inputs.new_ones(inputs.shape[0], *inputs.shape[-2:])
        chosen = []
        for i, p in enumerate(preds):
            inst = p.pred_instances
            k = choose_hand(inst, self.hand_rule, self.score_thr)
            chosen.append(k)
            if k >= 0:
                paste_mask(masks, i, inst.masks[k])
        return masks, [p.pred_instances for p in preds], chosen

    def mask_inputs(self, inputs: torch.Tensor,
                    masks: torch.Tensor) -> torch.Tensor:
        """Keep the hand, set the background to black; optionally crop.

        Args:
            inputs (Tensor): (N, C, H, W) normalised images.
            masks (Tensor): (N, H, W) hand masks in [0, 1] (binary or soft;
                the crop box is where they reach 0.5).

        Returns:
            Tensor: (N, C, H, W) masked (and cropped) images.
        """
        m = masks[:, None].to(inputs)
        black = self.data_preprocessor.pixel_value(0., inputs.shape[1],
                                                   inputs)
        out = inputs * m + black * (1 - m)
        if not self.crop_to_hand:
            return out
        boxes = hand_boxes((masks >= 0.5).to(masks), self.crop_margin)
        return crop_parts(list(out), boxes[:, None], tuple(
            inputs.shape[-2:])).to(inputs.dtype)

    def _masked(self, inputs: torch.Tensor, data_samples=None):
        """Inputs masked with the chosen predicted hands (unchanged without
        a segmenter), the per-image predictions and chosen indices."""
        if not self.with_segmenter:
            return inputs, None, None
        masks, preds, chosen = self.segment(inputs, data_samples)
        if self.coupling == 'soft':
            masks = self.soft_masks(
                inputs, *self.chosen_boxes(preds, chosen, inputs.device),
                data_samples)
        return self.mask_inputs(inputs, masks), preds, chosen

    def _training_masks(self, inputs: torch.Tensor,
                        data_samples: List) -> torch.Tensor:
        """(N, H, W) masks the regression loss is computed on."""
        if self.coupling == 'hard':
            return self.gt_masks(inputs, data_samples) \
                if self.regress_on == 'gt' else \
                self.segment(inputs, data_samples)[0]
        if self.regress_on == 'gt':
            boxes, found = self.gt_boxes(inputs, data_samples)
        else:
            _, preds, chosen = self.segment(inputs, data_samples)
            boxes, found = self.chosen_boxes(preds, chosen, inputs.device)
        return self.soft_masks(inputs, boxes, found, data_samples)

    def _seg_losses(self, inputs: torch.Tensor, data_samples: List) -> dict:
        """The detector's losses (weighted by ``seg_loss_weight``)."""
        with self._fp32(inputs):
            det = self.det_data(inputs, data_samples, training=True)
            det_losses = self.segmenter.loss(det['inputs'],
                                             det['data_samples'])
        losses = {}
        for k, v in det_losses.items():
            if 'loss' in k:
                v = [x * self.seg_loss_weight for x in v] \
                    if isinstance(v, (list, tuple)) \
                    else v * self.seg_loss_weight
            losses[f'seg_{k}' if not k.startswith('loss') else k] = v
        return losses

    # ------------------------------------------------------------------
    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N,) ages (regressed on the chosen predicted hand)."""
        return super().tensor(self._masked(inputs, data_samples)[0],
                              data_samples, sex)

    def loss(self, inputs: torch.Tensor, data_samples: List,
             sex: Optional[torch.Tensor]) -> dict:
        losses, images = {}, inputs
        if self.with_segmenter:
            losses.update(self._seg_losses(inputs, data_samples))
            images = self.mask_inputs(
                inputs, self._training_masks(inputs, data_samples))
        losses.update(super().loss(images, data_samples, sex))
        return losses

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None
                ) -> List[BoneAgeDataSample]:
        images, preds, chosen = self._masked(inputs, data_samples)
        data_samples = super().predict(images, data_samples, sex)
        if preds is None:
            return data_samples
        for sample, pred, k in zip(data_samples, preds, chosen):
            # every hand the segmenter found (input pixels), for
            # segmentation metrics; the chosen one is a slice of them
            hands = InstanceData(masks=pred.masks.bool().cpu(),
                                 bboxes=pred.bboxes.cpu(),
                                 scores=pred.scores.cpu())
            sample.pred_instances = hands
            if k < 0:
                sample.set_metainfo(dict(fallback='no hand'))
                sample.pred_hand = InstanceData(
                    masks=torch.ones(1, *inputs.shape[-2:],
                                     dtype=torch.bool),
                    scores=torch.zeros(1))
            else:
                sample.pred_hand = hands[[k]]
            sample.num_hands = int((hands.scores >= self.score_thr).sum())
        return data_samples
