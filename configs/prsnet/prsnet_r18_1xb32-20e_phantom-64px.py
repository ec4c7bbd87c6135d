# CPU-sized PRSNet on high-resolution phantoms (data/phantom_hr): ResNet-18
# trunk at 64 px, three 48 px parts cropped from the 256 px original, AdamW
# one-cycle, 20 epochs, bf16 autocast. The four variants of this file
# (prsnet, -wo-selection, -wo-relation, -baseline) share everything else.
_base_ = [
    '../_base_/models/prsnet_r34.py',
    '../_base_/datasets/phantom-hr_bone-age-parts_64px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(depth=18),
    part_selection=dict(
        # 64 px input: 12-16 / 24-32 / 48-64 px anchors (x4 in the original)
        anchor_generator=dict(scales=[1.5, 2.0])),
    part_extractor=dict(crop_size=48, backbone=dict(depth=18)))
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(logger=dict(interval=20))
# Test: MAE and how often the selected parts cover the phantom's informative
# regions (carpals, epiphyses) vs randomly placed boxes of the same sizes
# (the annotation file is read under the test set's data_root).
test_evaluator = [
    dict(type='BoneAgeMetric'),
    dict(type='PartHitMetric', ann_file='annotations/test_hand_masks.json'),
]
