# The whole-body phantoms (1:3) in a 96 x 96 square keeping their aspect:
# resized to fit (32 x 96), then zero-padded on the right to 96 x 96 (what
# the published keep-ratio config does at 256 before its 224 crop). Compare
# with ./wholebody-phantom_squash-96px.py.
_base_ = ['./wholebody-phantom_64x192px.py']
img_w, img_h = 96, 96
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomAffine', max_rotate=5., scale=(0.95, 1.05),
         max_shift=0.03),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=True,
         interpolation='area'),
    # flip before padding: the body stays on the left of the canvas
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='Pad', size=(img_w, img_h), pad_val=0),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=True,
         interpolation='area'),
    dict(type='Pad', size=(img_w, img_h), pad_val=0),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
