# Attention-guided regions on the protocol of the best rsna100 baseline
# (../baseline/baseline-dist_r18_1xb64-60e_rsna100-all-128px.py): the
# paper's O+H+R1 input (whole image, hand box H, region R1, stacked as
# channels, 128 px each) and its phase-II network (ResNet-18 -> 3x3 conv ->
# global max pooling -> sex -> FC), trained with the recipe: age as a
# distribution (the soft-label idea, here in phase II), EMA of the weights,
# flip + mild affine, AdamW one-cycle, batch 64, bf16, a fixed 60 epochs on
# all 10,000 training thumbnails, no validation, the last checkpoint
# (epoch_60.pth) reported on val.csv. The H and R1 boxes come from the
# 4-epoch localisers (./cam-{h,r1}_r18_1xb64-4e_rsna100-*px.py, trained on
# the train split without the 10 % holdout), written for every training id:
#   localize_regions.py CAM_CFG CKPT --split train --out \
#       data/rsna100/annotations/train_regions.json \
#       --cfg-options train_dataloader.dataset.id_subset=None
#   localize_regions.py CAM_CFG CKPT --split test --out \
#       data/rsna100/annotations/test_regions.json
# The flip and affine act on the stacked channels together, after the
# regions are cropped (the boxes are found on the unaugmented image).
_base_ = ['../baseline/baseline-dist_r18_1xb64-60e_rsna100-all-128px.py']
data_root = 'data/rsna100'
img_size = 128
regions = ('O', 'H', 'R1')
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
train_dataloader = dict(dataset=dict(
    data_root=data_root, region_file='annotations/train_regions.json',
    pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(
    data_root=data_root, region_file='annotations/test_regions.json',
    pipeline=test_pipeline))
model = dict(
    data_preprocessor=dict(num_channels=None),
    backbone=dict(in_channels=len(regions)),
    neck=dict(_delete_=True, type='ConvPoolNeck', in_channels=512,
              out_channels=256, pool='max'),
    head=dict(in_channels=256, hidden_dims=()))
