# Chen et al., phase I (the CAM classifiers): Adam, lr 3e-4, 1e-4 after
# epoch 50, 70 epochs (batch 32).
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=3e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[50], gamma=1 / 3)
]
train_cfg = dict(by_epoch=True, max_epochs=70, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32, enable=False)
