"""Registry contents and the scope scheme for mmdet/mmpretrain modules."""
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine import DefaultScope
from mmengine.model import BaseModel

from baa_mm import registry as R
from baa_mm.registry import DATASETS, METRICS, MODELS, OPTIM_WRAPPERS, TRANSFORMS
from baa_mm.utils import register_all_modules
from conftest import REPO


def test_register_all_modules_contents():
    register_all_modules()
    assert DefaultScope.get_current_instance().scope_name == 'baa_mm'
    for name in ('BoneAgeRegressor', 'BoneAgeRegressionHead',
                 'BoneAgeDataPreprocessor'):
        assert name in MODELS.module_dict, name
    for name in ('RSNABoneAgeDataset', 'WholeBodyCTDataset',
                 'HandSegDataset'):
        assert name in DATASETS.module_dict, name
    for name in ('LoadRadiograph', 'PackBoneAgeInputs', 'RandomAffine',
                 'HistogramNormalize', 'CropToHand'):
        assert name in TRANSFORMS.module_dict, name
    assert {'BoneAgeMetric', 'DumpBoneAgePredictions'} <= set(
        METRICS.module_dict)
    assert 'Bf16OptimWrapper' in OPTIM_WRAPPERS.module_dict
    for name in R.__all__:
        reg = getattr(R, name)
        assert reg.scope == 'baa_mm' and reg.parent is not None, name


def test_unprefixed_types_fall_back_to_mmengine_and_mmcv():
    register_all_modules()
    # mmcv registers its transforms in mmengine's root registry
    assert TRANSFORMS.get('Resize').__module__.startswith('mmcv')
    assert OPTIM_WRAPPERS.get('AmpOptimWrapper') is not None


@MODELS.register_module(force=True)
class _NestsForeignModels(BaseModel):
    """A baa_mm model that owns an mmdet detector and an mmpretrain net."""

    def __init__(self, detector, backbone):
        super().__init__()
        self.detector = MODELS.build(detector)
        self.backbone = MODELS.build(backbone)

    def forward(self, *args, **kwargs):  # pragma: no cover
        raise NotImplementedError


def test_nested_mask_rcnn_and_resnet_build_under_baa_mm_scope():
    """The documented scheme: `_scope_` on every foreign module."""
    register_all_modules()
    from mmdet.models.backbones import ResNet as MMDetResNet
    from mmdet.models.detectors import MaskRCNN
    from mmpretrain.models.backbones import ResNet as MMPretrainResNet
    from mmengine.config import Config
    det = Config.fromfile(osp.join(REPO, 'configs/_base_/models/mask_rcnn_r18_fpn_hand.py'))
    model = MODELS.build(dict(
        type='_NestsForeignModels',
        detector=det.model,
        backbone=dict(_scope_='mmpretrain', type='ResNet', depth=34)))
    assert isinstance(model.detector, MaskRCNN)
    # the detector's un-prefixed nested ResNet resolved in mmdet's scope
    assert isinstance(model.detector.backbone, MMDetResNet)
    assert isinstance(model.backbone, MMPretrainResNet)
    assert len(model.backbone.res_layers) == 4
    # and it runs: loss on CPU with one box + mask
    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData
    from mmdet.structures.mask import BitmapMasks
    sample = DetDataSample(metainfo=dict(img_shape=(64, 64),
                                         pad_shape=(64, 64),
                                         batch_input_shape=(64, 64)))
    mask = torch.zeros(1, 64, 64, dtype=torch.uint8)
    mask[:, 10:50, 15:45] = 1
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor([[15., 10., 45., 50.]]),
        labels=torch.tensor([0]),
        masks=BitmapMasks(mask.numpy(), 64, 64))
    with torch.no_grad():
        losses = model.detector.loss(torch.rand(1, 3, 64, 64), [sample])
    assert {'loss_rpn_cls', 'loss_cls', 'loss_mask'} <= set(losses)
    assert isinstance(model.detector.backbone, nn.Module)


def test_type_prefix_alone_does_not_scope_nested_builds():
    """Why the scheme is `_scope_`: a prefix finds the class only."""
    register_all_modules()
    from mmengine.config import Config
    det = Config.fromfile(
        osp.join(REPO, 'configs/_base_/models/mask_rcnn_r18_fpn_hand.py'))
    cfg = det.model.to_dict()
    cfg.pop('_scope_')
    cfg['type'] = 'mmdet.MaskRCNN'
    with pytest.raises(KeyError, match='DetDataPreprocessor is not in the '
                       'baa_mm::model registry'):
        MODELS.build(cfg)


def test_every_registry_location_imports():
    """Lazy `locations` must exist in a clean checkout (no empty folders)."""
    import importlib
    for name in R.__all__:
        for location in getattr(R, name)._locations:
            module = importlib.import_module(location)
            assert getattr(module, '__file__', None), \
                f'{location} is a namespace package (empty folder?)'
