# Phase II with the whole image as input (no region file needed); everything else as
# ./agr-h-r1-e_r18_1xb32-12e_phantom-hr-96px.py (paper: 7.3 months).
_base_ = ['./agr-h-r1-e_r18_1xb32-12e_phantom-hr-96px.py']
regions = ('O',)
pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StackRegions', regions=regions, size={{_base_.img_size}}),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(region_file=None, pipeline=pipeline))
val_dataloader = dict(dataset=dict(region_file=None, pipeline=pipeline))
test_dataloader = dict(dataset=dict(region_file=None, pipeline=pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
