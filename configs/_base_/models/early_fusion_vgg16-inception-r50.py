# Nguyen & Kim's early-fusion comparison: VGG-16-BN, Inception-v3 and
# ResNet-50 on the same image, each globally average pooled, features
# concatenated (512 + 2048 + 2048 = 4608), then the regression network of
# hierarchical_vgg16_bn.py (three FC layers, our widths, dropout 0.5, one
# linear output; no sex). The paper feeds each network its own size; here
# all share one input (the dataset pipeline's size, e.g. 299). Inception-v3
# is timm's (through mmpretrain's TIMMBackbone; mmpretrain's InceptionV3
# ends in logits), as in configs/attention_roi/baseline_inception-v3_*.
_gap = dict(_scope_='mmpretrain', type='GlobalAveragePooling')
model = dict(
    type='EarlyFusionRegressor',
    # grayscale CT repeated to 3 channels, ImageNet normalisation
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.485, 0.456, 0.406],
        std=[0.229, 0.224, 0.225],
        num_channels=3),
    branches=[
        dict(backbone=dict(_scope_='mmpretrain', type='VGG', depth=16,
                           norm_cfg=dict(type='BN'), out_indices=(4, )),
             neck=_gap, out_channels=512),
        dict(backbone=dict(_scope_='mmpretrain', type='TIMMBackbone',
                           model_name='inception_v3', pretrained=False,
                           num_classes=0, global_pool=''),
             neck=_gap, out_channels=2048),
        dict(backbone=dict(_scope_='mmpretrain', type='ResNet', depth=50,
                           out_indices=(3, )),
             neck=_gap, out_channels=2048),
    ],
    head=dict(
        type='BoneAgeRegressionHead',
        in_channels=4608,
        sex_embed_dims=0,
        hidden_dims=(1024, 512, 256),
        dropout=0.5,
        # YEARS; a placeholder for whole-body CT ages: override per dataset
        age_mean=45.,
        age_std=20.,
        loss=dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0)))
