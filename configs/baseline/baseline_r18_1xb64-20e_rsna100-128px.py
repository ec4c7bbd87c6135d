# ResNet-18 (random init) + sex on RSNA thumbnails at 128x128, L1 loss,
# AdamW one-cycle, batch 64, bf16 autocast, 20 epochs: about 51 minutes on
# 2 CPU cores when undisturbed (0.93-0.99 s per step in the run; 66 min as run
# on a shared machine).
#   python tools/train.py configs/baseline/baseline_r18_1xb64-20e_rsna100-128px.py \
#       --data-root ../shared/data/rsna100
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/rsna100_bone-age_128px.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]

# bf16 autocast works on CPU and on recent GPUs alike.
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=20, val_interval=5)
