# The whole-body phantoms (1:3) squashed into a 96 x 96 square, as a
# square-input CNN would get a ~3.3:1 CT projection if nobody kept its
# aspect. Compare with ./wholebody-phantom_keep-ratio-96px.py (the paper
# does not say which it did).
_base_ = ['./wholebody-phantom_64x192px.py']
img_w, img_h = 96, 96
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
