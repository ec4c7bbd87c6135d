# CPU-sized attention-guided regression (Chen et al., phase II) on the
# high-resolution phantoms: the hand H, Region-1 and the R1-erased image E,
# each cropped from the 256 px original and resized to 96 px, stacked as
# three input channels of a ResNet-18 -> conv -> max pooling -> sex -> FC;
# L1, AdamW one-cycle, 12 epochs, bf16 (the paper's best combination, 4.7
# months on RSNA). The other rows of the paper's table change `regions`:
# agr-{o,h,r1,r2,h-r1,r1-r2,o-h-r1,h-r1-r2}_... . Needs the H, R1 and R2
# boxes of every split (tools/analysis_tools/localize_regions.py, see
# configs/attention_roi/README.md).
_base_ = [
    '../_base_/models/agr_regressor_r18.py',
    '../_base_/datasets/phantom-hr_bone-age-parts_64px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
img_size = 96
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
train_dataloader = dict(dataset=dict(
    region_file='annotations/train_regions.json', pipeline=pipeline))
val_dataloader = dict(dataset=dict(
    region_file='annotations/val_regions.json', pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    region_file='annotations/test_regions.json', pipeline=test_pipeline))
model = dict(backbone=dict(in_channels=len(regions)))
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=12, val_interval=4)
default_hooks = dict(logger=dict(interval=20))
test_evaluator = dict(type='BoneAgeMetric')
