# CPU-sized hand localiser H (Chen et al., phase I): as the R1 localiser
# but at 96 px with global *average* pooling, which spreads the class
# activation map over the whole hand. Test: MAE and the box's IoU with the
# phantom's hand mask (HandBoxIoUMetric).
_base_ = ['./cam-r1_r18_1xb32-12e_phantom-hr-160px.py']
img_size = 96
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=10., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
model = dict(region='H', head=dict(pool='avg'))
test_evaluator = [
    dict(type='BoneAgeMetric'),
    dict(type='HandBoxIoUMetric',
         ann_file='annotations/test_hand_masks.json'),
]
