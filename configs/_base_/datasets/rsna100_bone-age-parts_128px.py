# rsna100 thumbnails for PRSNet on the baseline's recipe: the global branch
# sees the thumbnail at 128 x 128 (as the ResNet-18 baseline does), parts are
# cropped from the 100 x 100 thumbnail (the "full resolution" here). Flip +
# mild affine as in ./rsna100_bone-age_128px.py; the selection split and
# the reported split are that base's.
_base_ = ['./rsna100_bone-age-parts_64px.py']
img_size = 128
train_pipeline = [
    dict(type='LoadRadiograph'),
    {{_base_.source_grid}},
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    {{_base_.source_grid}},
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
