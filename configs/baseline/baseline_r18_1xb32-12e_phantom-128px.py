# The demo (`make demo`): ResNet-18 (random init) + sex on 800 generated
# 256x256 phantoms resized to 128x128, L1 loss, AdamW one-cycle, 12 epochs.
# About 5 minutes on 2 CPU cores.
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/phantom_bone-age_128px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]
train_cfg = dict(max_epochs=12, val_interval=3)
default_hooks = dict(logger=dict(interval=10))
