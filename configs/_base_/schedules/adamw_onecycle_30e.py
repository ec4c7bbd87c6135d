# AdamW with a one-cycle learning rate (per iteration), 30 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = [
    dict(
        type='OneCycleLR',
        eta_max=2e-3,
        pct_start=0.25,
        by_epoch=True,
        begin=0,
        # no `end`: the Runner sets it to train_cfg.max_epochs, so configs
        # change the schedule length with `train_cfg = dict(max_epochs=N)`.
        convert_to_iter_based=True)
]
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=1)
val_cfg = dict()
test_cfg = dict()
# `tools/train.py --auto-scale-lr` scales the lr by (total batch / 64).
auto_scale_lr = dict(base_batch_size=64, enable=False)
