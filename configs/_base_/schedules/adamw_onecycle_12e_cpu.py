# The CPU-sized phantom schedule: AdamW one-cycle 2e-3 (per iteration),
# 12 epochs, bf16 autocast on CPU (Bf16OptimWrapper; pair it with
# channels-last models), validation every epoch.
_base_ = ['./adamw_onecycle_30e.py']
optim_wrapper = dict(type='Bf16OptimWrapper')
train_cfg = dict(max_epochs=12, val_interval=1)
