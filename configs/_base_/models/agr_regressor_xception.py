# Chen et al., phase II: the chosen regions (StackRegions) as the input
# channels of timm's Xception (legacy_xception, through mmpretrain's
# TIMMBackbone) without top -> a 3x3 convolution -> global max pooling ->
# concat with a 32-d sex feature -> FC -> age; L1 loss. The sex feature is a
# learned embedding of the two sexes, which equals the paper's 32-unit FC on
# a +1/-1 input. The convolution width is not given in the paper (512
# here). in_channels = number of stacked regions (set per config).
# ImageNet weights: a local file only (model.backbone.checkpoint_path=...).
_base_ = ['../rsna_age_stats.py']
model = dict(
    type='BoneAgeRegressor',
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.5],
        std=[0.25],
        num_channels=None),
    backbone=dict(
        _scope_='mmpretrain',
        type='TIMMBackbone',
        model_name='legacy_xception',
        pretrained=False,
        checkpoint_path='',
        in_channels=3,
        num_classes=0,
        global_pool=''),
    neck=dict(type='ConvPoolNeck', in_channels=2048, out_channels=512,
              pool='max'),
    head=dict(
        type='BoneAgeRegressionHead',
        in_channels=512,
        sex_embed_dims=32,
        hidden_dims=(),
        age_mean={{_base_.age_mean}},
        age_std={{_base_.age_std}},
        loss=dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0)))
