# Tiny smoke schedule (tests, CI): 64 px phantoms, batch 2, 2 epochs, fp32.
# (mmengine's OneCycleLR divides by zero when pct_start * total steps <= 1,
# so even a 2-rank run of the 16-image test set needs >= 8 steps.)
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/phantom_bone-age_128px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
img_size = 64
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=10.),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
_loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
train_dataloader = dict(**_loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))

train_cfg = dict(max_epochs=2, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
