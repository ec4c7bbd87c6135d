# Chen et al., phase I as published: the hand localiser H, at 300 x 300 with
# global average pooling (the map spreads over the whole hand); otherwise as
# the R1 localiser.
_base_ = ['./cam-r1_inception-v3_1xb32-70e_rsna-560px.py']
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=20., scale=(0.85, 1.15),
         max_shift=0.1),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(300, 300), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(300, 300), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
model = dict(region='H', head=dict(pool='avg'))
