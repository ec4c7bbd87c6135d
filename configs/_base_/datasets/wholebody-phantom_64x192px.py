# Whole-body CT bone phantoms (the built-in generator; default ages as the
# paper: mostly 40-60 years, 0.7-87, 83 % female):
#   python tools/dataset_converters/generate_wholebody_phantom.py \
#       data/wholebody_phantom
# The generator writes 128 x 384 images (1:3, about the CT projections'
# 3.3:1); the CPU-sized configs train at 64 x 192 (the same aspect, so
# resizing neither squashes nor pads; Inception-v3 needs at least 75 px and
# gets 80 x 240, as the paper gives it 299 where the others get 224).
# Each split's COCO file holds the body box and the boxes of the
# age-informative structures (for CropBodyPart and the Grad-CAM scores).
dataset_type = 'WholeBodyCTDataset'
data_root = 'data/wholebody_phantom'
img_w, img_h = 64, 192
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='RandomAffine', max_rotate=5., scale=(0.95, 1.05),
         max_shift=0.03),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=False,
         interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='Resize', scale=(img_w, img_h), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]


train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='train.csv',
                 data_prefix=dict(img_path='train'),
                 box_ann_file='annotations/train_boxes.json',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='val.csv',
                 data_prefix=dict(img_path='val'),
                 box_ann_file='annotations/val_boxes.json',
                 test_mode=True, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='test.csv',
                 data_prefix=dict(img_path='test'),
                 box_ann_file='annotations/test_boxes.json',
                 test_mode=True, pipeline=test_pipeline))
val_evaluator = dict(type='BoneAgeMetric')
test_evaluator = val_evaluator
# the training split's age statistics for the heads' target normalisation
# (years; the default paper-like ages of 600 training phantoms)
age_mean = 47.4
age_std = 18.4
