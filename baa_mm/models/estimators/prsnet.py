"""PRSNet: part relation and part selection network (Ji et al.).

Data flow (N images, M parts)::

    inputs (N, C, H, W) -> RelationResNet -> F_3, F_4, F_5 (context maps)
    F_5 -> GAP -> F_global (N, C5)
    F_3..F_5 -> PartSelectionHead -> anchor scores -> NMS -> top-M boxes
    boxes -> full-resolution pixels -> RoIAlign crops (N*M, C, S, S)
          -> part CNN -> part features (N, M, Cp) -> sum -> F_local (N, Cp)
                      -> per-part ages (N, M) -> confidences -> ranking loss
    concat(F_local, F_global, sex) -> BoneAgeRegressionHead -> age (N,)

Losses: ``loss_age`` (the head's loss; squared error as published),
``loss_part`` (per-part age regression, our explicit reading) and
``loss_rank`` (:class:`PartRankingLoss`, the NTS-Net reading of the paper's
inconsistent Eqs. 2-3).

Ablations: ``with_relation=False`` removes the relation modules (plain
ResNet), ``with_selection=False`` removes the selection head and the part
branch; both off is the published ResNet baseline with sex input.

Full resolution: the pipeline's :class:`StoreFullResImage` keeps the image
before the resize in ``data_sample.hr_img`` with ``hr_factor`` (input → full
resolution coordinates) in the metainfo; crops are taken from it. Without
it the crops come from the network input.
"""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.structures import InstanceData

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample
from baa_mm.models.utils import crop_parts, map_boxes
from .base import BaseBoneAgeEstimator

__all__ = ['PRSNet']


@MODELS.register_module()
class PRSNet(BaseBoneAgeEstimator):
    """Part relation + part selection bone-age estimator.

    ``predict`` fills ``pred_age`` and ``pred_parts`` (``bboxes`` (M, 4) in
    input pixels, ``hr_bboxes`` in full-resolution pixels, anchor
    ``scores``, per-part ``ages``) and, when :attr:`return_relation_maps`,
    ``relation_maps`` (one (h, w) map per relation module).

    Args:
        backbone (dict): A :class:`RelationResNet` config whose
            ``out_indices`` are the levels scored by the selection head (the
            last one is also the global feature).
        head (dict): :class:`BoneAgeRegressionHead` config; ``in_channels``
            is filled in (global + part channels) when left out.
        part_selection (dict): :class:`PartSelectionHead` config;
            ``in_channels`` is filled in when left out.
        part_extractor (dict): :class:`PartFeatureExtractor` config.
        rank_loss (dict): Ranking loss config.
        with_relation (bool): Keep the part relation modules.
        with_selection (bool): Keep part selection and the part branch.
        data_preprocessor (dict, optional): Defaults to
            ``BoneAgeDataPreprocessor``.
        channels_last (bool): Channels-last memory format.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 part_selection: Optional[dict] = None,
                 part_extractor: Optional[dict] = None,
                 rank_loss: dict = dict(type='PartRankingLoss', margin=1.0),
                 with_relation: bool = True,
                 with_selection: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 channels_last: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='BoneAgeDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        backbone = dict(backbone)
        if not with_relation:
            backbone['relation_indices'] = ()
        self.backbone = MODELS.build(backbone)
        self.with_relation = with_relation
        self.with_selection = with_selection
        channels = self.backbone.stage_channels
        level_channels = [channels[i] for i in self.backbone.out_indices]
        in_channels = level_channels[-1]
        self.gap = nn.AdaptiveAvgPool2d(1)
        if with_selection:
            if part_selection is None or part_extractor is None:
                raise ValueError('with_selection=True needs part_selection '
                                 'and part_extractor configs')
            part_selection = dict(part_selection)
            part_selection.setdefault('in_channels', level_channels)
            self.part_selection = MODELS.build(part_selection)
            self.part_extractor = MODELS.build(part_extractor)
            self.rank_loss = MODELS.build(rank_loss)
            in_channels += self.part_extractor.feat_dim
        else:
            self.part_selection = None
            self.part_extractor = None
            self.rank_loss = None
        head = dict(head)
        if head.get('in_channels') is None:
            head['in_channels'] = in_channels
        elif head['in_channels'] != in_channels:
            raise ValueError(f'head.in_channels={head["in_channels"]} but '
                             f'the fused features have {in_channels} channels')
        self.head = MODELS.build(head)
        #: Set True (visualisation) to return relation maps from predict.
        self.return_relation_maps = False
        if channels_last:
            self.to(memory_format=torch.channels_last)
        self.channels_last = channels_last

    @property
    def num_parts(self) -> int:
        return self.part_selection.num_parts if self.with_selection else 0

    # ------------------------------------------------------------------
    def _img_shapes(self, inputs: torch.Tensor,
                    data_samples: Optional[List]) -> List[tuple]:
        h, w = inputs.shape[-2:]
        if not data_samples:
            return [(h, w)] * inputs.shape[0]
        shapes = []
        for s in data_samples:
            sh = s.metainfo.get('img_shape', (h, w))
            shapes.append((min(int(sh[0]), h), min(int(sh[1]), w)))
        return shapes

    @staticmethod
    def _hr_factors(data_samples: Optional[List], boxes: torch.Tensor
                    ) -> torch.Tensor:
        """(N, 2) input → full-resolution factors (``hr_factor``, else 1)."""
        n = boxes.shape[0]
        factors = [s.metainfo.get('hr_factor', (1., 1.))
                   for s in data_samples] if data_samples else [(1., 1.)] * n
        return torch.tensor(factors, dtype=torch.float32,
                            device=boxes.device)

    def _crops(self, inputs: torch.Tensor, boxes: torch.Tensor,
               hr_boxes: torch.Tensor,
               data_samples: Optional[List]) -> torch.Tensor:
        """(N*M, C, S, S) normalised crops: from ``hr_img`` at ``hr_boxes``
        when every sample has one, else from the inputs at ``boxes``."""
        size = self.part_extractor.crop_size
        ratio = self.part_extractor.sampling_ratio
        has_hr = bool(data_samples) and all('hr_img' in s
                                            for s in data_samples)
        if not has_hr:
            return crop_parts(list(inputs), boxes, size,
                              ratio).to(inputs.dtype)
        images = [s.hr_img.to(inputs.device) for s in data_samples]
        crops = crop_parts(images, hr_boxes, size, ratio)
        pre = self.data_preprocessor
        if getattr(pre, '_enable_normalize', False):
            crops = (crops -
                     pre.mean[:crops.shape[1]]) / pre.std[:crops.shape[1]]
        channels = getattr(pre, 'num_channels', crops.shape[1])
        if crops.shape[1] != channels:
            crops = crops.expand(-1, channels, -1, -1)
        if self.channels_last:
            crops = crops.contiguous(memory_format=torch.channels_last)
        return crops

    def _run(self,
             inputs: torch.Tensor,
             data_samples: Optional[List],
             sex: Optional[torch.Tensor],
             return_relation: bool = False) -> Dict[str, object]:
        """Everything the modes need (normalised ages)."""
        out: Dict[str, object] = {}
        if return_relation:
            feats, out['relation_maps'] = self.backbone(
                inputs, return_relation=True)
        else:
            feats = self.backbone(inputs)
        fused = [self.gap(feats[-1]).flatten(1)]
        if self.with_selection:
            boxes, part_scores, _ = self.part_selection.select(
                feats, self._img_shapes(inputs, data_samples))
            hr_boxes = map_boxes(boxes, self._hr_factors(data_samples, boxes))
            crops = self._crops(inputs, boxes, hr_boxes, data_samples)
            part_feats, part_ages = self.part_extractor(crops, boxes.shape[1])
            fused.append(part_feats.sum(dim=1).to(fused[0].dtype))
            out.update(
                boxes=boxes,
                hr_boxes=hr_boxes,
                part_scores=part_scores,
                part_ages=part_ages)
        out['age'] = self.head.forward_normalised(torch.cat(fused, 1),
                                                  sex).float()
        return out

    def _denorm(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.head.age_std + self.head.age_mean

    # ------------------------------------------------------------------
    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N,) ages."""
        return self._denorm(self._run(inputs, data_samples, sex)['age'])

    def loss(self, inputs: torch.Tensor, data_samples: List[BoneAgeDataSample],
             sex: Optional[torch.Tensor]) -> dict:
        out = self._run(inputs, data_samples, sex)
        gt = torch.stack([s.gt_age for s in data_samples]).to(inputs.device)
        target = (gt.float() - self.head.age_mean) / self.head.age_std
        losses = dict(loss_age=self.head.loss_module(out['age'], target))
        if self.with_selection:
            part_ages = out['part_ages']
            num_parts = part_ages.shape[1]
            losses['loss_part'] = self.part_extractor.loss_module(
                part_ages.reshape(-1), target.repeat_interleave(num_parts))
            confidence = -(part_ages.detach() - target[:, None]).abs()
            losses['loss_rank'] = self.rank_loss(out['part_scores'],
                                                 confidence)
        return losses

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None) -> List[BoneAgeDataSample]:
        out = self._run(
            inputs,
            data_samples,
            sex,
            return_relation=self.return_relation_maps)
        ages = self._denorm(out['age']).detach().cpu()
        if data_samples is None:
            data_samples = [BoneAgeDataSample() for _ in range(len(ages))]
        for i, (sample, age) in enumerate(zip(data_samples, ages)):
            sample.set_pred_age(age)
            if self.with_selection:
                sample.pred_parts = InstanceData(
                    bboxes=out['boxes'][i].detach().cpu(),
                    hr_bboxes=out['hr_boxes'][i].detach().cpu(),
                    scores=out['part_scores'][i].detach().cpu(),
                    ages=self._denorm(out['part_ages'][i].detach()).cpu())
            if 'relation_maps' in out:
                sample.relation_maps = [
                    m[i].cpu() for m in out['relation_maps']
                ]
        return data_samples
