# Wu et al. as published: Mask R-CNN R-50-FPN + residual attention network
# (Attention-92 layout) with sex, trained end to end; Nesterov SGD, lr 0.01
# / 10 on plateau (5 epochs); random crop, resize, rotation, mirroring.
# Reported MAE 7.38 months. Data: the RSNA release as downloaded (see
# ../_base_/datasets/rsna_bone-age-parts_512px.py). Hand masks: pseudo
# masks (Canny on equalised images), written by
#   python tools/dataset_converters/prepare_rsna.py /path/to/rsna --hand-masks
# as annotations/train_pseudo_hand_masks.json; training images the
# converter could not mask are left out (missing_hand='skip', counted in the
# log), since an empty mask would teach the segmenter "no hand".
#   python tools/train.py configs/ran/ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py \
#       --data-root /path/to/rsna
_base_ = [
    '../_base_/models/ran_mask_rcnn_r50_hand.py',
    '../_base_/datasets/rsna_bone-age-parts_512px.py',
    '../_base_/schedules/nesterov_plateau_50e.py',
    '../_base_/default_runtime.py',
]
data_root = 'data/rsna'
img_size = 448
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='LoadHandInstances', require=True),
    dict(_scope_='mmdet', type='RandomResize', scale=(img_size, img_size),
         ratio_range=(0.9, 1.1), keep_ratio=False, interpolation='area'),
    dict(_scope_='mmdet', type='RandomCrop', crop_size=(img_size, img_size),
         allow_negative_crop=False),
    dict(_scope_='mmdet', type='Resize', scale=(img_size, img_size),
         keep_ratio=False, interpolation='area'),
    dict(_scope_='mmdet', type='RandomFlip', prob=0.5),
    # rotation of image, boxes and masks together (black border)
    dict(_scope_='mmdet', type='Rotate', prob=0.5, max_mag=15.,
         img_border_value=0),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(_scope_='mmdet', type='Resize', scale=(img_size, img_size),
         keep_ratio=False, interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(
    hand_ann_file='annotations/train_pseudo_hand_masks.json',
    missing_hand='skip', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
