# Tiny hand-segmenter smoke schedule (tests, CI): 64 px phantoms, batch 2,
# 1 epoch.
_base_ = ['../hand_seg/mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-256px.py']
data_root = 'data/phantom'
img_scale = (64, 64)
train_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=True,
         interpolation='area'),
    dict(_scope_='mmdet', type='PackDetInputs'),
]
test_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=True,
         interpolation='area'),
    dict(_scope_='mmdet', type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
_loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
train_dataloader = dict(
    **_loader, dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    **_loader, dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    **_loader, dataset=dict(data_root=data_root, pipeline=test_pipeline))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=4)
]
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
