# Whole-body CT at Inception-v3's size (Nguyen & Kim: resize 331, random
# crop 299); otherwise as wholebody-ct_224px.py.
_base_ = ['./wholebody-ct_224px.py']
resize = 331
crop = 299
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(resize, resize), keep_ratio=False,
         interpolation='area'),
    dict(type='mmpretrain.RandomCrop', crop_size=crop),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(resize, resize), keep_ratio=False,
         interpolation='area'),
    dict(type='CenterCrop', crop_size=crop),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
