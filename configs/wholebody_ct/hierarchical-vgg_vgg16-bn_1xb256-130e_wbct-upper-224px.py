# The hierarchical VGG on the upper body only (Nguyen & Kim: 4.854 years).
# CropBodyPart splits at half the body box's height when the dataset has
# body boxes (WholeBodyCTDataset box_ann_file), else at half the image.
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb256-130e_wbct-224px.py']
resize, crop = 256, 224
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='CropBodyPart', part='upper', split=0.5),
    dict(type='Resize', scale=(resize, resize), keep_ratio=False,
         interpolation='area'),
    dict(type='mmpretrain.RandomCrop', crop_size=crop),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='CropBodyPart', part='upper', split=0.5),
    dict(type='Resize', scale=(resize, resize), keep_ratio=False,
         interpolation='area'),
    dict(type='CenterCrop', crop_size=crop),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
