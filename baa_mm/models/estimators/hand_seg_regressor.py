"""Segment the hand, regress bone age from the masked image (Wu et al.).

"Residual Attention Based Network for Hand Bone Age Assessment": a Mask
R-CNN (mmdet's ``MaskRCNN``, one class ``hand``) segments the hand, a
residual attention network regresses the age from the hand-masked image,
and both are trained together, ``L = L_cls + L_box + L_mask + L_reg``.

Data flow (N images)::

    inputs (N, C, H, W) -> [C -> 3 channels] -> MaskRCNN
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
import torch.nn.functional as F
from mmcv.ops import roi_align
from mmengine.config import ConfigDict
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import get_box_tensor
from mmengine.structures import InstanceData

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from .base import BaseBoneAgeEstimator

__all__ = ['HandSegRegressor', 'choose_hand']

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
        boxes = instances.bboxes
        boxes = boxes.tensor if hasattr(boxes, 'tensor') else boxes
        centre = (boxes[ok, 0] + boxes[ok, 2]) / 2
        key = -centre if rule == 'leftmost' else centre
    return int(ok[int(torch.argmax(key))])


@MODELS.register_module()
class HandSegRegressor(BaseBoneAgeEstimator):
    """Hand segmenter (Mask R-CNN) + bone-age regressor, trained end to end.

    ``loss`` returns the detector's losses and ``loss_age``; ``predict``
    fills ``pred_age``, ``pred_hand`` (``masks`` (1, H, W), ``bboxes``,
    ``scores`` of the chosen hand, input pixels), ``pred_instances`` (every
    hand the segmenter found: ``masks`` (K, H, W), ``bboxes``, ``scores``),
    ``num_hands`` and, with
    :attr:`return_attention_maps`, ``attention_maps``.

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
        crop_to_hand (bool): Also crop the masked image to the hand box
            (+ ``crop_margin``) and resize it to the input size.
        hand_rule (str): Which predicted hand to use (see
            :func:`choose_hand`).
        score_thr (float): Minimum hand score at inference.
        seg_loss_weight (float): Weight of the detector losses.
        data_preprocessor (dict, optional): Defaults to
            ``BoneAgeDataPreprocessor``; the segmenter gets the same
            normalised tensor (repeated to 3 channels), not its own
            preprocessor.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 neck: Optional[dict] = None,
                 segmenter: Optional[dict] = None,
                 regress_on: str = 'gt',
                 crop_to_hand: bool = False,
                 crop_margin: float = 0.05,
                 hand_rule: str = 'score',
                 score_thr: float = 0.5,
                 seg_loss_weight: float = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='BoneAgeDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if regress_on not in ('gt', 'pred'):
            raise ValueError(f"regress_on must be 'gt' or 'pred', got "
                             f'{regress_on!r}')
        if hand_rule not in HAND_RULES:
            raise ValueError(f'hand_rule must be one of {HAND_RULES}, got '
                             f'{hand_rule!r}')
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.head = MODELS.build(head)
        # mmdet's detectors read train_cfg.rpn etc. as attributes: make
        # plain dicts (Python API) ConfigDicts
        self.segmenter = MODELS.build(ConfigDict(segmenter)) \
            if segmenter else None
        self.regress_on = regress_on
        self.crop_to_hand = crop_to_hand
        self.crop_margin = crop_margin
        self.hand_rule = hand_rule
        self.score_thr = score_thr
        self.seg_loss_weight = seg_loss_weight
        #: Set True (visualisation, inference API) to return the
        #: attention modules' soft masks from predict.
        self.return_attention_maps = False

    @property
    def with_segmenter(self) -> bool:
        return self.segmenter is not None

    # ------------------------------------------------------------------
    def _det_inputs(self, inputs: torch.Tensor) -> torch.Tensor:
        inputs = inputs.float()
        if inputs.shape[1] == 3:
            return inputs
        return inputs[:, :1].expand(-1, 3, -1, -1).contiguous()

    @staticmethod
    def _fp32(inputs: torch.Tensor):
        """Autocast off for the segmenter: mmcv's nms (in the RPN and the
        RoI head) has no bf16 kernel on CPU."""
        return torch.autocast(inputs.device.type, enabled=False)

    def _det_samples(self, inputs: torch.Tensor,
                     data_samples: Optional[Sequence],
                     with_gt: bool) -> List[DetDataSample]:
        h, w = inputs.shape[-2:]
        out = []
        for i in range(inputs.shape[0]):
            src = data_samples[i] if data_samples else None
            shape = tuple(src.metainfo.get('img_shape', (h, w))[:2]) \
                if src is not None else (h, w)
            det = DetDataSample(metainfo=dict(
                img_shape=shape, pad_shape=(h, w), batch_input_shape=(h, w),
                ori_shape=shape, scale_factor=(1., 1.)))
            if with_gt:
                if src is None or 'gt_instances' not in src:
                    raise ValueError('training the segmenter needs hand '
                                     'annotations: add LoadHandInstances '
                                     'to the pipeline')
                gt = src.gt_instances
                # box tensors, as mmdet's DetDataPreprocessor(boxtype2tensor)
                # would give the detector
                det.gt_instances = InstanceData(
                    bboxes=get_box_tensor(gt.bboxes).to(inputs.device),
                    labels=gt.labels.to(inputs.device), masks=gt.masks)
            out.append(det)
        return out

    def _background(self, inputs: torch.Tensor) -> torch.Tensor:
        """Normalised value of a black (0) pixel per channel, (1, C, 1, 1)."""
        pre = self.data_preprocessor
        if getattr(pre, '_enable_normalize', False):
            value = (0 - pre.mean) / pre.std
            value = value.reshape(1, -1, 1, 1)
            if value.shape[1] != inputs.shape[1]:
                value = value[:, :1].expand(1, inputs.shape[1], 1, 1)
            return value.to(inputs)
        return inputs.new_zeros(1, inputs.shape[1], 1, 1)

    @staticmethod
    def _paste(masks: torch.Tensor, i: int, mask: torch.Tensor) -> None:
        """Make ``masks[i]`` the (h', w') hand ``mask`` (top-left aligned,
        cut to the input size; zero elsewhere)."""
        h, w = masks.shape[-2:]
        mask = mask[:h, :w].to(masks)
        masks[i] = 0
        masks[i, :mask.shape[0], :mask.shape[1]] = mask

    def _gt_masks(self, inputs: torch.Tensor,
                  data_samples: Sequence) -> torch.Tensor:
        """(N, H, W) primary ground-truth hand masks (all ones if none)."""
        h, w = inputs.shape[-2:]
        masks = inputs.new_ones(inputs.shape[0], h, w)
        for i, s in enumerate(data_samples):
            k = s.metainfo.get('primary_hand', -1)
            if 'gt_instances' in s and 0 <= k < len(s.gt_instances):
                self._paste(masks, i, torch.from_numpy(
                    s.gt_instances.masks[[k]].to_ndarray()[0]))
        return masks

    def segment(self, inputs: torch.Tensor,
                data_samples: Optional[Sequence] = None
                ) -> Tuple[torch.Tensor, List[InstanceData], List[int]]:
        """Predict hands; returns (N, H, W) chosen masks (ones for a
        fallback), the per-image predictions and the chosen indices."""
        det_samples = self._det_samples(inputs, data_samples, False)
        with torch.no_grad(), self._fp32(inputs):
            preds = self.segmenter.predict(self._det_inputs(inputs),
                                           det_samples, rescale=False)
        h, w = inputs.shape[-2:]
        masks = inputs.new_ones(inputs.shape[0], h, w)
        chosen = []
        for i, p in enumerate(preds):
            inst = p.pred_instances
            k = choose_hand(inst, self.hand_rule, self.score_thr)
            chosen.append(k)
            if k >= 0:
                self._paste(masks, i, inst.masks[k])
        return masks, [p.pred_instances for p in preds], chosen

    def mask_inputs(self, inputs: torch.Tensor,
                    masks: torch.Tensor) -> torch.Tensor:
        """Keep the hand, set the background to black; optionally crop.

        Args:
            inputs (Tensor): (N, C, H, W) normalised images.
            masks (Tensor): (N, H, W) hand masks in {0, 1}.
        """
        m = masks[:, None].to(inputs)
        out = inputs * m + self._background(inputs) * (1 - m)
        if not self.crop_to_hand:
            return out
        h, w = inputs.shape[-2:]
        rois = []
        for i, mask in enumerate(masks):
            ys, xs = torch.nonzero(mask > 0, as_tuple=True)
            if ys.numel() == 0:
                box = [0., 0., float(w), float(h)]
            else:
                x1, x2 = xs.min().item(), xs.max().item() + 1
                y1, y2 = ys.min().item(), ys.max().item() + 1
                mx, my = self.crop_margin * (x2 - x1), \
                    self.crop_margin * (y2 - y1)
                box = [max(0., x1 - mx), max(0., y1 - my),
                       min(float(w), x2 + mx), min(float(h), y2 + my)]
            rois.append([float(i)] + box)
        rois = torch.tensor(rois, dtype=torch.float32, device=inputs.device)
        return roi_align(out.float(), rois, (h, w), 1.0, 0, 'avg',
                         True).to(inputs.dtype)

    def _regress_feats(self, images: torch.Tensor, with_maps: bool = False):
        maps = None
        if with_maps:
            feats, maps = self.backbone(images, return_masks=True)
        else:
            feats = self.backbone(images)
        if not isinstance(feats, (tuple, list)):
            feats = (feats, )
        if self.neck is not None:
            feats = self.neck(tuple(feats))
        return tuple(feats), maps

    # ------------------------------------------------------------------
    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N,) ages (regressed on the chosen predicted hand)."""
        images = inputs
        if self.with_segmenter:
            images = self.mask_inputs(inputs,
                                      self.segment(inputs, data_samples)[0])
        return self.head(self._regress_feats(images)[0], sex)

    def loss(self, inputs: torch.Tensor, data_samples: List,
             sex: Optional[torch.Tensor]) -> dict:
        losses = {}
        images = inputs
        if self.with_segmenter:
            with self._fp32(inputs):
                det_losses = self.segmenter.loss(
                    self._det_inputs(inputs),
                    self._det_samples(inputs, data_samples, True))
            for k, v in det_losses.items():
                if 'loss' in k:
                    v = [x * self.seg_loss_weight for x in v] \
                        if isinstance(v, (list, tuple)) \
                        else v * self.seg_loss_weight
                losses[f'seg_{k}' if not k.startswith('loss') else k] = v
            masks = self._gt_masks(inputs, data_samples) \
                if self.regress_on == 'gt' else \
                self.segment(inputs, data_samples)[0]
            images = self.mask_inputs(inputs, masks)
        feats, _ = self._regress_feats(images)
        losses.update(self.head.loss(feats, sex, data_samples))
        return losses

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None
                ) -> List[BoneAgeDataSample]:
        images, preds, chosen = inputs, None, None
        if self.with_segmenter:
            masks, preds, chosen = self.segment(inputs, data_samples)
            images = self.mask_inputs(inputs, masks)
        feats, maps = self._regress_feats(images,
                                          self.return_attention_maps)
        ages = self.head(feats, sex).detach().cpu()
        if data_samples is None:
            data_samples = [BoneAgeDataSample() for _ in range(len(ages))]
        for i, (sample, age) in enumerate(zip(data_samples, ages)):
            sample.set_pred_age(age)
            if preds is not None:
                # every hand the segmenter found (input pixels), for
                # segmentation metrics; the chosen one is a slice of them
                hands = InstanceData(masks=preds[i].masks.bool().cpu(),
                                     bboxes=preds[i].bboxes.cpu(),
                                     scores=preds[i].scores.cpu())
                sample.pred_instances = hands
                k = chosen[i]
                if k < 0:
                    sample.set_metainfo(dict(fallback='no hand'))
                    sample.pred_hand = InstanceData(
                        masks=torch.ones(1, *inputs.shape[-2:],
                                         dtype=torch.bool),
                        scores=torch.zeros(1))
                else:
                    sample.pred_hand = hands[[k]]
                sample.num_hands = int((hands.scores >= self.score_thr).sum())
            if maps is not None:
                sample.attention_maps = [m[i].cpu() for m in maps]
        return data_samples
