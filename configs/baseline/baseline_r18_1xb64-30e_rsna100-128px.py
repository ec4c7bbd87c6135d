# ResNet-18 (random init) + sex on RSNA thumbnails at 128x128, L1 loss,
# AdamW one-cycle, batch 64, bf16 autocast, 30 epochs (CPU-sized).
#   python tools/train.py configs/baseline/baseline_r18_1xb64-30e_rsna100-128px.py \
#       --data-root ../shared/data/rsna100
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/rsna100_bone_age.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]

# bf16 autocast works on CPU (AMX) and on recent GPUs alike.
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(val_interval=5)
default_hooks = dict(logger=dict(interval=50))
