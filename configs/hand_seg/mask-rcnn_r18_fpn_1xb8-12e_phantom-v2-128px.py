# The phantom-v2 hand segmenter (./mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-256px.py)
# at 128 px, the size the segment-then-regress models run it at (their
# segmenter reached mask IoU 0.90 there), for a quarter of the pixels: the
# segmenter whose predicted hands the PRSNet background-removal configs
# on phantom v2 use (configs/prsnet/prsnet-bgrm_r18_1xb32-20e_phantom-v2-64px.py).
# mmdet pastes its masks back at the images' 256 px.
#   python tools/train.py configs/hand_seg/mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-128px.py
_base_ = ['./mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-256px.py']
img_scale = (128, 128)
train_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=True,
         interpolation='area'),
    dict(_scope_='mmdet', type='RandomFlip', prob=0.5),
    dict(_scope_='mmdet', type='PackDetInputs'),
]
test_pipeline = [
    dict(_scope_='mmdet', type='LoadImageFromFile'),
    dict(_scope_='mmdet', type='Resize', scale=img_scale, keep_ratio=True,
         interpolation='area'),
    dict(_scope_='mmdet', type='LoadAnnotations', with_bbox=True,
         with_mask=True),
    dict(_scope_='mmdet', type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
