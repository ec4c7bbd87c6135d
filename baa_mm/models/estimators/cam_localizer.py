"""Phase I of attention-guided regions (Chen et al.): a soft-label age
classifier whose class activation map names one region.

Data flow (N images)::

    inputs (N, C, H, W) -> backbone -> F (N, K, h, w)
        -> SoftLabelCAMHead: GAP or GMP -> FC -> logits (N, 240) -> ages
        -> CAM of class t: A_t = Σ_k W[t, k] F_k  (N, h, w)
        -> resize to the input, relative threshold, largest component
        -> box (input pixels) -> x hr_factor -> box (full-resolution pixels)

Three localisers are three configs of this estimator: the hand ``H``
(GAP, 300 px in the paper), ``R1`` (GMP, 560 px; the carpal region in the
paper's figures) and ``R2`` (GMP, 560 px, trained on images whose R1 is
erased by :class:`EraseRegion`).
"""
from typing import List, Optional, Sequence

import torch
from mmengine.structures import InstanceData

from baa_mm.registry import MODELS
from baa_mm.structures import BoneAgeDataSample, fill_pred_ages
from baa_mm.models.utils import cam_boxes, map_boxes
from .base import (BaseBoneAgeEstimator, backbone_forward, full_res_factors,
                   require_interface, store_maps, valid_shapes)

__all__ = ['CAMLocalizer']


@MODELS.register_module()
class CAMLocalizer(BaseBoneAgeEstimator):
    """Soft-label CAM classifier that localises one region per image.

    ``predict`` fills ``pred_age`` (the expected age over the classes),
    ``pred_parts`` (one box: ``bboxes`` in input pixels, ``hr_bboxes`` in
    full-resolution pixels, ``scores`` = probability of the CAM's class,
    ``names`` = ``[region]``) and, with :attr:`return_maps`, ``pred_maps``
    ``{'cam_<region>': (h, w)}``.

    Which class's map: at test time the true age is unknown, so the
    predicted class (``cam_class='pred'``, the default, also used to
    extract the training-set boxes so that training and test crops come
    from the same rule); ``cam_class='gt'`` uses the true age, rounded to a
    class (the paper does not say which it used for training crops).

    ``exclude`` names regions whose boxes (``regions`` in the samples'
    metainfo, full-resolution pixels) may not be part of the localised
    region. The R2 localiser excludes R1: its classifier sees R1 erased by
    random values, and without the exclusion its map can peak on the noise
    patch itself (measured on the phantoms), returning R1 again instead of
    "another discriminative region" (the paper's intent; it does not say
    how it avoided this).

    Needs of its parts: the head offers ``forward`` (logits), ``loss``,
    ``ages`` and ``cam`` (:class:`SoftLabelCAMHead`); the backbone returns
    the final feature map (last of a tuple).

    Args:
        backbone (dict): Backbone config (e.g. mmpretrain ``InceptionV3``
            or ``ResNet``, last stage only).
        head (dict): :class:`SoftLabelCAMHead` config.
        region (str): The region's name ('H', 'R1', 'R2', ...).
        rel_thr (float): CAM threshold as a fraction of the map's range.
        cam_class (str): 'pred' or 'gt' (see above).
        exclude (Sequence[str]): Regions kept out of the box (see above).
        data_preprocessor (dict, optional): Defaults to
            ``BoneAgeDataPreprocessor``.
        channels_last (bool): Channels-last memory format.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 region: str = 'R1',
                 rel_thr: float = 0.5,
                 cam_class: str = 'pred',
                 exclude: Sequence[str] = (),
                 data_preprocessor: Optional[dict] = None,
                 channels_last: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        if cam_class not in ('pred', 'gt'):
            raise ValueError(f"cam_class must be 'pred' or 'gt', got "
                             f'{cam_class!r}')
        if not 0 <= rel_thr < 1:
            raise ValueError(f'rel_thr must be in [0, 1), got {rel_thr}')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        require_interface(self.head, ['loss', 'ages', 'cam', 'num_classes'],
                          'CAMLocalizer', 'head')
        self.region = region
        self.rel_thr = rel_thr
        self.cam_class = cam_class
        self.exclude = tuple(exclude)
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def extract_feat(self, inputs: torch.Tensor):
        """(N, C, H, W) → the backbone's features (a tuple)."""
        return backbone_forward(self.backbone, inputs)[0]

    def tensor(self, inputs: torch.Tensor, data_samples=None,
               sex: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N,) expected ages."""
        return self.head.ages(self.head(self.extract_feat(inputs)))

    def loss(self, inputs: torch.Tensor, data_samples: List,
             sex: Optional[torch.Tensor]) -> dict:
        return self.head.loss(self.extract_feat(inputs), data_samples)

    def _classes(self, logits: torch.Tensor,
                 data_samples: Optional[List]) -> torch.Tensor:
        """(N,) class whose map localises: predicted or true age."""
        if self.cam_class == 'pred' or not data_samples:
            return logits.argmax(dim=1)
        gt = torch.stack([s.gt_age for s in data_samples]).to(logits.device)
        return gt.round().long().clamp(0, self.head.num_classes - 1)

    def _excluded(self, data_samples: Optional[List],
                  factors: torch.Tensor) -> Optional[List[List[list]]]:
        """Per image, the ``exclude`` boxes in input pixels."""
        if not self.exclude:
            return None
        out = []
        for sample, (fx, fy) in zip(data_samples or [], factors.tolist()):
            regions = sample.metainfo.get('regions') or {}
            boxes = []
            for name in self.exclude:
                if name not in regions:
                    raise KeyError(
                        f'{sample.metainfo.get("img_path", "image")}: '
                        f'{self.region} excludes region {name!r}, which the '
                        f'sample lacks (has {sorted(regions)}); give the '
                        'dataset a region file with it')
                if regions[name] is not None:
                    x1, y1, x2, y2 = regions[name]
                    boxes.append([x1 / fx, y1 / fy, x2 / fx, y2 / fy])
            out.append(boxes)
        if len(out) != len(factors):
            raise ValueError(f'{self.region} excludes {self.exclude}: needs '
                             'data samples with the region boxes')
        return out

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[BoneAgeDataSample]] = None,
                sex: Optional[torch.Tensor] = None
                ) -> List[BoneAgeDataSample]:
        feats = self.extract_feat(inputs)
        logits = self.head(feats).float()
        classes = self._classes(logits, data_samples)
        cams = self.head.cam(feats, classes)
        factors = full_res_factors(data_samples, len(cams), cams.device)
        boxes = cam_boxes(cams, valid_shapes(inputs, data_samples),
                          self.rel_thr, tuple(inputs.shape[-2:]),
                          self._excluded(data_samples, factors))
        hr_boxes = map_boxes(boxes[:, None], factors)[:, 0]
        scores = logits.softmax(dim=1).gather(1, classes[:, None])[:, 0]
        data_samples = fill_pred_ages(self.head.ages(logits), data_samples)
        for i, sample in enumerate(data_samples):
            sample.pred_parts = InstanceData(
                bboxes=boxes[i:i + 1].cpu(),
                hr_bboxes=hr_boxes[i:i + 1].cpu(),
                scores=scores[i:i + 1].detach().cpu(),
                names=[self.region])
        if self.return_maps:
            store_maps(data_samples, {f'cam_{self.region}': cams})
        return data_samples
