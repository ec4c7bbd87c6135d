# Wu et al.: Nesterov SGD (momentum 0.9, weight decay 1e-4), lr 0.01 divided
# by 10 when the validation metric plateaus for 5 epochs. The paper monitors
# the validation loss; mmengine's ReduceOnPlateauLR monitors a validation
# metric, here bone_age/MAE (the same quantity as the L1 loss, in months).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4,
                   nesterov=True),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='ReduceOnPlateauLR', monitor='bone_age/MAE', rule='less',
         factor=0.1, patience=5, by_epoch=True)
]
train_cfg = dict(by_epoch=True, max_epochs=50, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16, enable=False)
