# Chen et al., phase I as published: the Region-1 localiser. Inception-v3
# (timm) at 560 x 560 with global max pooling, soft labels over 240 months
# (delta 50), Adam 3e-4 (1e-4 after epoch 50), batch 32, 70 epochs; boxes
# from the CAM of the predicted class, thresholded at half its range, taken
# from the full-resolution radiograph. (The paper prints an 18 x 18 final
# map at 560 px; Inception-v3 gives 16 x 16.) The paper starts from
# ImageNet weights: convert timm's file once
# (tools/model_converters/timm_to_baa_mm.py) and add
#   --cfg-options model.backbone.init_cfg.type=Pretrained \
#       model.backbone.init_cfg.checkpoint=checkpoints/inception_v3.tv_in1k.pth
# or use the -in1k variant of this file.
#   python tools/train.py {this config} --data-root /path/to/rsna
_base_ = [
    '../_base_/models/cam_localizer_inception-v3.py',
    '../_base_/datasets/rsna_bone-age-parts_512px.py',
    '../_base_/schedules/adam_step_70e.py',
    '../_base_/default_runtime.py',
]
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=20., scale=(0.85, 1.15),
         max_shift=0.1),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(560, 560), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(560, 560), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
_loader = dict(batch_size=32, num_workers=4)
train_dataloader = dict(**_loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(**_loader, dataset=dict(pipeline=test_pipeline))
model = dict(region='R1', head=dict(pool='max'))
test_evaluator = dict(type='BoneAgeMetric')
