# Chen et al.: ImageNet Xception + sex on the whole radiograph at
# 224 x 224 (reported 7.8 months).
_base_ = ['./baseline_xception-in1k_1xb16-120e_rsna-224px.py']
img_size = 224
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
model = dict(head=dict(sex_embed_dims=32))
