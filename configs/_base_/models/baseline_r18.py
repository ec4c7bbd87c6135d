# Plain baseline: ResNet-18 (random init, 1-channel input) + sex embedding.
_base_ = ['../rsna_age_stats.py']
model = dict(
    type='BoneAgeRegressor',
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.5],
        std=[0.25],
        channels_last=True),
    backbone=dict(
        _scope_='mmpretrain',
        type='ResNet',
        depth=18,
        in_channels=1,
        out_indices=(3, )),
    neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
    head=dict(
        type='BoneAgeRegressionHead',
        in_channels=512,
        sex_embed_dims=32,
        hidden_dims=(256, ),
        age_mean={{_base_.age_mean}},
        age_std={{_base_.age_std}},
        loss=dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0)),
    channels_last=True)
