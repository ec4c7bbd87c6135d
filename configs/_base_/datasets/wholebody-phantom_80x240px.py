# The whole-body phantoms at 80 x 240 (1:3): the size for Inception-v3
# (at least 75 px) and for the early fusion that contains it.
_base_ = ['./wholebody-phantom_64x192px.py']
img_w, img_h = 80, 240
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomAffine', max_rotate=5., scale=(0.95, 1.05),
         max_shift=0.03),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
