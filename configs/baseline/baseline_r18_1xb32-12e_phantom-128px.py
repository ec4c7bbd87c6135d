# The demo (`make demo`): ResNet-18 (random init) + sex on 800 generated
# 256x256 phantoms resized to 128x128, L1 loss, AdamW one-cycle, 12 epochs.
# About 5 minutes on 2 CPU cores.
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/phantom_bone_age.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
img_size = 128
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

max_epochs = 12
# mmengine replaces lists on inheritance: the scheduler is given in full.
param_scheduler = [
    dict(
        type='OneCycleLR',
        eta_max=2e-3,
        pct_start=0.25,
        by_epoch=True,
        begin=0,
        end=max_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs, val_interval=3)
default_hooks = dict(logger=dict(interval=10))
