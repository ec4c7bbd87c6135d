# Tiny PRSNet smoke schedule (tests, CI): 64 px phantoms, 32 px network input,
# 16 px parts cropped from the 64 px original, batch 2, 2 epochs, fp32.
_base_ = ['../prsnet/prsnet_r18_1xb32-20e_phantom-64px.py']
img_size = 32
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
model = dict(part_extractor=dict(crop_size=16))
_loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
train_dataloader = dict(**_loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
optim_wrapper = dict(type='OptimWrapper')
train_cfg = dict(max_epochs=2, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
