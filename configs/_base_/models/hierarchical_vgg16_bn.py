# Nguyen & Kim (whole-body CT): VGG-16-BN whose max-pooled blocks 3 and 4
# feed 256-unit FC connections (ReLU, dropout 0.5), concatenated with the
# flattened block-5 map (N, 256 + 256 + 512*7*7 = 25600), then three FC
# layers with dropout 0.5 after each and one linear output; no sex input.
# The FC widths (1024, 512, 256) are our choice (the paper gives none).
# Pooled connections (the paper's suggested saving): neck global_pool=True
# (the head's in_channels stays 25600: the main path still flattens).
# The neck's flattened FCs fix the input size: 224 (set neck.input_size for
# another size). ImageNet weights: a local file only, e.g. backbone
# init_cfg=dict(type='Pretrained', prefix='backbone', checkpoint=
# 'checkpoints/vgg16_bn_batch256_imagenet_20210208-7e55cd29.pth').
model = dict(
    type='BoneAgeRegressor',
    # grayscale CT repeated to 3 channels, ImageNet normalisation
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.485, 0.456, 0.406],
        std=[0.229, 0.224, 0.225],
        num_channels=3),
    backbone=dict(
        _scope_='mmpretrain',
        type='VGG',
        depth=16,
        norm_cfg=dict(type='BN'),
        out_indices=(2, 3, 4)),  # pooled blocks 3, 4, 5
    neck=dict(
        type='HierarchicalFCNeck',
        in_channels=(256, 512, 512),
        side_units=256,
        side_dropout=0.5,
        global_pool=False,
        main='flatten',
        input_size=224,
        strides=(8, 16, 32)),
    head=dict(
        type='BoneAgeRegressionHead',
        in_channels=25600,
        sex_embed_dims=0,
        hidden_dims=(1024, 512, 256),
        dropout=0.5,
        # YEARS; a placeholder for whole-body CT ages: override per dataset
        age_mean=45.,
        age_std=20.,
        loss=dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0)))
