# Chen et al.'s backbone baseline: resnet50 on the whole radiograph at
# 224 x 224, without sex, global average pooling -> FC -> age, L1; Adam
# 3e-4 / 1e-4 / 1e-5 for 60 / 30 / 30 epochs (the paper does not give the
# baselines' schedule; phase II's is used). Reported 11.3 months from
# scratch, 9.3 from ImageNet (resnet50-in1k variant).
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/rsna_bone-age-parts_512px.py',
    '../_base_/schedules/adam_step_120e.py',
    '../_base_/default_runtime.py',
]
img_size = 224
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
_loader = dict(batch_size=16, num_workers=4)
train_dataloader = dict(**_loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
model = dict(
    # 3-channel ImageNet normalisation, so that the -in1k variant differs
    # only in its weights
    data_preprocessor=dict(
        mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225],
        num_channels=3, channels_last=False),
    backbone=dict(_delete_=True, **dict(_scope_='mmpretrain', type='ResNet', depth=50,
                  out_indices=(3, ))),
    neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
    head=dict(in_channels=2048, sex_embed_dims=0, hidden_dims=()),
    channels_last=False)
