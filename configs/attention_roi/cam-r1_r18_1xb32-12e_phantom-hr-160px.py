# CPU-sized Region-1 localiser (Chen et al., phase I) on the high-resolution
# phantoms (data/phantom_hr, 256 px; see configs/prsnet/README.md for the
# generate command): ResNet-18 at 160 px, global max pooling, soft labels
# over 240 months, AdamW one-cycle, 12 epochs, bf16. Test: MAE of the
# classifier's expected age, and where its boxes land (PartHitMetric: box
# centres on the phantom's informative regions vs random boxes of the same
# size).
_base_ = [
    '../_base_/models/cam_localizer_r18.py',
    '../_base_/datasets/phantom-hr_bone-age-parts_64px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
img_size = 160
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
model = dict(region='R1', head=dict(pool='max'))
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=12, val_interval=4)
default_hooks = dict(logger=dict(interval=20))
test_evaluator = [
    dict(type='BoneAgeMetric'),
    dict(type='PartHitMetric', ann_file='annotations/test_hand_masks.json'),
]
