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
import inspect
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.structures import InstanceData

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample, fill_pred_ages
from baa_mm.models.utils import map_boxes
from .base import (BaseBoneAgeEstimator, full_res_factors, require_interface,
                   store_maps, valid_shapes)

__all__ = ['PRSNet']


@MODELS.register_module()
class PRSNet(BaseBoneAgeEstimator):
    """Part relation + part selection bone-age estimator.

    ``predict`` fills ``pred_age`` and ``pred_parts`` (``bboxes`` (M, 4) in
    input pixels, ``hr_bboxes`` in full-resolution pixels, anchor
    ``scores``, per-part ``ages``) and, when :attr:`return_maps`,
    ``pred_maps`` (one (h, w) relation map per relation module).

    What PRSNet needs of its parts (checked at build time):

    - backbone: ``out_channels`` (channels per returned level, the last is
      also the global feature), and for ``with_relation=False`` a
      ``relation_indices`` keyword (PRSNet builds it with
      ``relation_indices=()``); :class:`RelationResNet` offers both.
    - head: :class:`BoneAgeRegressionHead`'s ``forward`` and ``loss`` on
      the fused (N, K) features (so :class:`BoneAgeDistributionHead`
      plugs in too), and ``normalise`` / ``denormalise`` /
      ``normalised_targets`` for the per-part ages.
    - part_extractor: ``crop``, ``feat_dim`` and ``loss``
      (:class:`PartFeatureExtractor`); part_selection: ``select`` and
      ``num_parts`` (:class:`PartSelectionHead`).
    - data preprocessor: ``normalize`` (crops from the full-resolution
      image are normalised as the inputs were).

    Args:
        backbone (dict): A :class:`RelationResNet` config whose
            ``out_indices`` are the levels scored by the selection head (the
            last one is also the global feature).
        head (dict): :class:`BoneAgeRegressionHead` or
            :class:`BoneAgeDistributionHead` config; ``in_channels`` is
            filled in (global + part channels) when left out.
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
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.with_relation = with_relation
        self.with_selection = with_selection
        self.backbone = MODELS.build(self._backbone_cfg(backbone))
        require_interface(self.backbone, ['out_channels'], 'PRSNet',
                          'backbone')
        level_channels = list(self.backbone.out_channels)
        in_channels = level_channels[-1]
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.part_selection = self.part_extractor = self.rank_loss = None
        if with_selection:
            if part_selection is None or part_extractor is None:
                raise ValueError('with_selection=True needs part_selection '
                                 'and part_extractor configs')
            part_selection = dict(part_selection)
            part_selection.setdefault('in_channels', level_channels)
            self.part_selection = MODELS.build(part_selection)
            self.part_extractor = MODELS.build(part_extractor)
            self.rank_loss = MODELS.build(rank_loss)
            require_interface(self.part_selection, ['select', 'num_parts'],
                              'PRSNet', 'part_selection')
            require_interface(self.part_extractor,
                              ['crop', 'feat_dim', 'loss'], 'PRSNet',
                              'part_extractor')
            require_interface(self.data_preprocessor, ['normalize'],
                              'PRSNet', 'data_preprocessor')
            in_channels += self.part_extractor.feat_dim
        head = dict(head)
        if head.get('in_channels') is None:
            head['in_channels'] = in_channels
        elif head['in_channels'] != in_channels:
            raise ValueError(f'head.in_channels={head["in_channels"]} but '
                             f'the fused features have {in_channels} channels')
        self.head = MODELS.build(head)
        require_interface(self.head, [
            'forward', 'loss', 'denormalise', 'normalised_targets'
        ], 'PRSNet', 'head')
        if channels_last:
            self.to(memory_format=torch.channels_last)
        self.channels_last = channels_last

    def _backbone_cfg(self, backbone: dict) -> dict:
        """The backbone config, with ``relation_indices=()`` when
        ``with_relation`` is off (the backbone must accept it)."""
        backbone = dict(backbone)
        if self.with_relation:
            return backbone
        cls = backbone['type']
        if isinstance(cls, str):
            scope = backbone.get('_scope_')
            cls = MODELS.get(f'{scope}.{cls}' if scope and '.' not in cls
                             else cls)
        if cls is None or 'relation_indices' not in \
                inspect.signature(cls).parameters:
            raise TypeError(
                'PRSNet(with_relation=False) builds its backbone with '
                f"relation_indices=(); backbone type {backbone['type']!r} "
                'does not take that argument (use RelationResNet)')
        backbone['relation_indices'] = ()
        return backbone

    @property
    def num_parts(self) -> int:
        return self.part_selection.num_parts if self.with_selection else 0

    # ------------------------------------------------------------------
    def _crops(self, inputs: torch.Tensor, boxes: torch.Tensor,
               hr_boxes: torch.Tensor,
               data_samples: Optional[List]) -> torch.Tensor:
        """(N*M, C, S, S) normalised crops: from ``hr_img`` at ``hr_boxes``
        when every sample has one, else from the inputs at ``boxes``."""
        has_hr = bool(data_samples) and all('hr_img' in s
                                            for s in data_samples)
        if not has_hr:
            return self.part_extractor.crop(list(inputs),
                                            boxes).to(inputs.dtype)
        images = [s.hr_img.to(inputs.device) for s in data_samples]
        return self.data_preprocessor.normalize(
            self.part_extractor.crop(images, hr_boxes))

    def _run(self,
             inputs: torch.Tensor,
             data_samples: Optional[List],
             sex: Optional[torch.Tensor],
             with_maps: bool = False) -> Dict[str, object]:
        """Everything the modes need: ``feats`` ((N, K) fused features for
        the head) and, with selection, the parts (``part_ages``
        normalised)."""
        out: Dict[str, object] = {}
        if with_maps:
            feats, out['maps'] = self.backbone(inputs, return_maps=True)
        else:
            feats = self.backbone(inputs)
        fused = [self.gap(feats[-1]).flatten(1)]
        if self.with_selection:
            boxes, part_scores, _, levels = self.part_selection.select(
                feats, valid_shapes(inputs, data_samples))
            hr_boxes = map_boxes(
                boxes, full_res_factors(data_samples, len(boxes),
                                        boxes.device))
            crops = self._crops(inputs, boxes, hr_boxes, data_samples)
            part_feats, part_ages = self.part_extractor(
                crops, boxes.shape[1], levels)
            fused.append(part_feats.sum(dim=1).to(fused[0].dtype))
            out.update(
                boxes=boxes,
                hr_boxes=hr_boxes,
                part_scores=part_scores,
                part_ages=part_ages)
        out['feats'] = torch.cat(fused, 1)
        return out

    # ------------------------------------------------------------------
    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N,) ages."""
        return self.head(self._run(inputs, data_samples, sex)['feats'], sex)

    def loss(self, inputs: torch.Tensor, data_samples: List[BoneAgeDataSample],
             sex: Optional[torch.Tensor]) -> dict:
        out = self._run(inputs, data_samples, sex)
        losses = self.head.loss(out['feats'], sex, data_samples)
        if self.with_selection:
            target = self.head.normalised_targets(data_samples,
                                                  inputs.device)
            part_ages = out['part_ages']
            losses['loss_part'] = self.part_extractor.loss(part_ages, target)
            confidence = -(part_ages.detach() - target[:, None]).abs()
            losses['loss_rank'] = self.rank_loss(out['part_scores'],
                                                 confidence)
        return losses

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None) -> List[BoneAgeDataSample]:
        with_maps = self.return_maps and self.with_relation
        out = self._run(inputs, data_samples, sex, with_maps=with_maps)
        data_samples = fill_pred_ages(self.head(out['feats'], sex),
                                      data_samples)
        if self.with_selection:
            part_ages = self.head.denormalise(out['part_ages'].detach())
            for i, sample in enumerate(data_samples):
                sample.pred_parts = InstanceData(
                    bboxes=out['boxes'][i].detach().cpu(),
                    hr_bboxes=out['hr_boxes'][i].detach().cpu(),
                    scores=out['part_scores'][i].detach().cpu(),
                    ages=part_ages[i].cpu())
        store_maps(data_samples, out.get('maps'))
        return data_samples
