# Nguyen & Kim (whole-body CT): Adam, lr 3e-4, multiplied by 0.8 after 10
# epochs without validation improvement, never below 1e-7. The paper's
# "130 iterations" are read as 130 epochs (569 images at batch 256 make about
# 3 iterations per epoch: 130 iterations would be ~43 epochs of 3 steps,
# too few for the plateau rule with patience 10 to act at all). The paper
# has no validation split; here the plateau rule and the best checkpoint
# watch the validation MAE (in years) and the test split is reported.
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=3e-4))
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='bone_age/MAE', rule='less',
         factor=0.8, patience=10, min_value=1e-7, by_epoch=True)
]
train_cfg = dict(by_epoch=True, max_epochs=130, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256, enable=False)
