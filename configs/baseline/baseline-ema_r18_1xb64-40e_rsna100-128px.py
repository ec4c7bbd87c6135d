# The rsna100 recipe (real-radiographs issue): ResNet-18 (random init) + sex
# at 128 px, L1, AdamW one-cycle 2e-3, batch 64, bf16 + channels-last, flip
# + mild affine, 40 epochs, with an exponential moving average of the
# weights (mmengine's EMAHook; the averaged weights are validated, saved and
# tested). Selected on the 10 % hash-carved holdout of train.csv, reported
# on val.csv (see ../_base_/datasets/rsna100_bone-age_128px.py).
#   python tools/train.py configs/baseline/baseline-ema_r18_1xb64-40e_rsna100-128px.py \
#       --data-root ../shared/data/rsna100
_base_ = ['./baseline_r18_1xb64-20e_rsna100-128px.py']
train_cfg = dict(max_epochs=40, val_interval=5)
# momentum 0.002 per step: the average spans the last ~500 steps (about
# 3.5 of the 141-step epochs), where the one-cycle lr is already small
custom_hooks = [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage',
         momentum=0.002, update_buffers=True)
]
