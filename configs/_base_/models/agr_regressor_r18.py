# CPU-sized phase II: stacked regions as the input channels of a ResNet-18
# (random init) -> 3x3 convolution -> global max pooling -> concat sex (32)
# -> FC -> age, L1 loss. in_channels = number of stacked regions.
_base_ = ['../rsna_age_stats.py']
model = dict(
    type='BoneAgeRegressor',
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.5],
        std=[0.25],
        num_channels=None,
        channels_last=True),
    backbone=dict(
        _scope_='mmpretrain',
        type='ResNet',
        depth=18,
        in_channels=1,
        out_indices=(3, )),
    neck=dict(type='ConvPoolNeck', in_channels=512, out_channels=256,
              pool='max'),
    head=dict(
        type='BoneAgeRegressionHead',
        in_channels=256,
        sex_embed_dims=32,
        hidden_dims=(),
        age_mean={{_base_.age_mean}},
        age_std={{_base_.age_std}},
        loss=dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0)),
    channels_last=True)
