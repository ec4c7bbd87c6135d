# Chen et al., phase II (the regressor) and their backbone baselines: Adam,
# lr 3e-4 / 1e-4 / 1e-5 for 60 / 30 / 30 epochs (batch 16).
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=3e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[60],
         gamma=1 / 3),
    dict(type='MultiStepLR', by_epoch=True, milestones=[90], gamma=0.1),
]
train_cfg = dict(by_epoch=True, max_epochs=120, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16, enable=False)
