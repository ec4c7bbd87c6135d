# Chen et al., phase II as published: H, R1 and the R1-erased image E, each
# cropped from the full-resolution radiograph and resized to 560 x 560,
# stacked as the input channels of Xception (timm legacy_xception) ->
# conv -> max pooling -> [sex] -> FC; L1; Adam 3e-4 / 1e-4 / 1e-5 for
# 60 / 30 / 30 epochs, batch 16, no augmentation (none stated). Reported
# 4.7 months. Needs the H, R1, R2 boxes of each split
# (tools/analysis_tools/localize_regions.py). ImageNet weights: see
# ./README.md (tools/model_converters/timm_to_baa_mm.py).
_base_ = [
    '../_base_/models/agr_regressor_xception.py',
    '../_base_/datasets/rsna_bone-age-parts_512px.py',
    '../_base_/schedules/adam_step_120e.py',
    '../_base_/default_runtime.py',
]
img_size = 560
regions = ('H', 'R1', 'E')
pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StackRegions', regions=regions, size=img_size),
    dict(type='PackBoneAgeInputs'),
]
# the erased image's noise: fresh in training, fixed per image in evaluation
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StackRegions', regions=regions, size=img_size, noise_seed=0),
    dict(type='PackBoneAgeInputs'),
]
_loader = dict(batch_size=16, num_workers=4)
train_dataloader = dict(**_loader, dataset=dict(
    region_file='annotations/train_regions.json', pipeline=pipeline))
val_dataloader = dict(**_loader, dataset=dict(
    region_file='annotations/val_regions.json', pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(
    region_file='annotations/test_regions.json', pipeline=test_pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
