# Phase II with the hand as input; everything else as
# ./agr-h-r1-e_r18_1xb32-12e_phantom-hr-96px.py (paper: 6.3 months).
_base_ = ['./agr-h-r1-e_r18_1xb32-12e_phantom-hr-96px.py']
regions = ('H',)
pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StackRegions', regions=regions, size={{_base_.img_size}}),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=pipeline))
val_dataloader = dict(dataset=dict(pipeline=pipeline))
test_dataloader = dict(dataset=dict(pipeline=pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
