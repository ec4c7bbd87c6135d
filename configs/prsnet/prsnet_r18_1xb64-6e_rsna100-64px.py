# CPU-sized PRSNet on the RSNA thumbnails (../shared/data/rsna100): ResNet-18
# trunk at 64 px, three 48 px parts cropped from the 100 px thumbnail, AdamW
# one-cycle, 6 epochs, bf16 autocast (about 20 minutes on 2 CPU cores). The
# four variants (prsnet, -wo-selection, -wo-relation, -baseline) differ only
# in the switches.
#   python tools/train.py configs/prsnet/prsnet_r18_1xb64-6e_rsna100-64px.py \
#       --data-root ../shared/data/rsna100
_base_ = [
    '../_base_/models/prsnet_r34.py',
    '../_base_/datasets/rsna100_bone-age-parts_64px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(depth=18),
    part_selection=dict(anchor_generator=dict(scales=[1.5, 2.0])),
    part_extractor=dict(crop_size=48, backbone=dict(depth=18)))
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=6, val_interval=2)
