# The control of ./agr-o-h-r1-dist_r18_1xb64-60e_rsna100-all-128px.py: the
# same phase-II network (ResNet-18 -> 3x3 conv -> global max pooling -> sex
# -> distribution head), recipe and schedule, on the whole image O alone
# (no region file needed). Against it, the O+H+R1 config measures what the
# CAM regions add; against the baseline recipe
# (../baseline/baseline-dist_r18_1xb64-60e_rsna100-all-128px.py, global
# average pooling) it measures the phase-II head.
_base_ = ['./agr-o-h-r1-dist_r18_1xb64-60e_rsna100-all-128px.py']
img_size = 128
regions = ('O', )
source_grid = dict(type='SourceGrid', size=(100, 100),
                   interpolation='nearest-exact')
train_pipeline = [
    dict(type='LoadRadiograph'),
    source_grid,
    dict(type='StackRegions', regions=regions, size=img_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    source_grid,
    dict(type='StackRegions', regions=regions, size=img_size),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(region_file=None,
                                     pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(region_file=None, pipeline=test_pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
