# The hierarchical VGG on the upper body only (Nguyen & Kim: upper 4.854,
# lower 5.100 years): CropBodyPart splits the generator's body box at half
# its height (full image height when a dataset has no body boxes) and keeps
# the box's columns; the half is resized to 64 x 96, the whole-body
# configs' pixel scale (64 x 192 for a whole image).
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb32-12e_wbphantom-64x192px.py']
img_w, img_h = 64, 96
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='CropBodyPart', part='upper', split=0.5),
    dict(type='RandomAffine', max_rotate=5., scale=(0.95, 1.05),
         max_shift=0.03),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='CropBodyPart', part='upper', split=0.5),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
# flattened block 5 at 96 x 64: 512 x 3 x 2 = 3072, + 2 x 256
model = dict(neck=dict(input_size=(img_h, img_w)), head=dict(in_channels=3584))
