# ResNet-18 (random init) + sex on RSNA thumbnails at 128x128, L1 loss,
# AdamW one-cycle, batch 64, bf16 autocast, 20 epochs: about 50 minutes on
# 2 CPU cores without AMX (0.83 s per step), the wall-clock budget of the
# 30-epoch reference loop on a CPU with AMX.
#   python tools/train.py configs/baseline/baseline_r18_1xb64-20e_rsna100-128px.py \
#       --data-root ../shared/data/rsna100
_base_ = [
    '../_base_/models/baseline_r18.py',
    '../_base_/datasets/rsna100_bone_age.py',
    '../_base_/schedules/adamw_onecycle_30e.py',
    '../_base_/default_runtime.py',
]

# bf16 autocast works on CPU and on recent GPUs alike.
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=20, val_interval=5)
