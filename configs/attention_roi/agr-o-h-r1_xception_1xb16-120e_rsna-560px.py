# Phase II as published with regions O+H+R1 (reported 5.4 months).
_base_ = ['./agr-h-r1-e_xception_1xb16-120e_rsna-560px.py']
regions = ('O', 'H', 'R1')
pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StackRegions', regions=regions, size={{_base_.img_size}}),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=pipeline))
val_dataloader = dict(dataset=dict(pipeline=pipeline))
test_dataloader = dict(dataset=dict(pipeline=pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
