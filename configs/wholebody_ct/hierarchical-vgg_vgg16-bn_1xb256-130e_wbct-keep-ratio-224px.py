# Keep the ~3.3:1 aspect ratio (the paper does not say whether it did):
# resize to fit 256 x 256 keeping the ratio (about 77 x 256), pad to 256 x
# 256 with zeros, then crop 224 as the squashed configs do.
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb256-130e_wbct-224px.py']
resize, crop = 256, 224
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(resize, resize), keep_ratio=True,
         interpolation='area'),
    dict(type='Pad', size=(resize, resize), pad_val=0),
    dict(type='mmpretrain.RandomCrop', crop_size=crop),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(resize, resize), keep_ratio=True,
         interpolation='area'),
    dict(type='Pad', size=(resize, resize), pad_val=0),
    dict(type='CenterCrop', crop_size=crop),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
