# The resnet50 backbone baseline on the RSNA thumbnails, CPU-sized: the whole
# 100 px thumbnail resized to 96 px, with sex (the Xception + sex row of the
# paper; all four backbones get the sex input here), random init, AdamW
# one-cycle 2e-3, 4 epochs, batch 64, bf16 — one schedule for the four
# (see ./README.md for the measured table).
_base_ = ['./baseline_resnet50_1xb16-120e_rsna-224px.py']
data_root = 'data/rsna100'
img_size = 96
train_pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=15., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
_loader = dict(batch_size=64, num_workers=2)
# the rsna100 layout (train.csv + train/, val.csv + val/), not the release
# names of the published config: selection on a 10 % hash-carved holdout of
# train.csv, val.csv reported
_rsna100 = dict(data_root=data_root, ann_file='train.csv',
                data_prefix=dict(img_path='train'), img_search='flat')
train_dataloader = dict(**_loader, dataset=dict(
    **_rsna100, id_subset=dict(holdout=0.1, part='rest'),
    pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(
    **_rsna100, id_subset=dict(holdout=0.1, part='holdout'),
    pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(
    data_root=data_root, ann_file='val.csv', data_prefix=dict(img_path='val'),
    img_search='flat', pipeline=test_pipeline))
# channels-last + bf16: 1.7x faster convolutions on these CPUs
model = dict(head=dict(sex_embed_dims=32), channels_last=True,
             data_preprocessor=dict(channels_last=True))
# the CPU configs' schedule (../_base_/schedules/adamw_onecycle_30e.py)
optim_wrapper = dict(
    _delete_=True, type='Bf16OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='OneCycleLR', eta_max=2e-3, pct_start=0.25, by_epoch=True,
         begin=0, convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=64)
train_cfg = dict(max_epochs=4, val_interval=2)
default_hooks = dict(logger=dict(interval=20))
