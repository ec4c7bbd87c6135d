# ./prsnet_r18_1xb32-20e_phantom-v2-64px.py with PRSNet's background removal (Ji et
# al.: a foreground segmentation model "to remove background and select
# regions of hand bones for training and testing"): every split's image is
# cropped to the hand that a trained segmenter predicted and everything
# outside that hand's mask is set to 0, before augmentation and before the
# full-resolution copy the parts are cropped from. The masks are the
# segmenter's predictions on each split (never the phantoms' ground truth),
# written by
#   python tools/dataset_converters/pseudo_hand_masks.py data/phantom_v2/SPLIT \
#       data/phantom_v2/annotations/SPLIT_pred_hand_masks.json \
#       --segmenter configs/hand_seg/mask-rcnn_r18_fpn_1xb8-12e_phantom-v2-128px.py \
#       SEGMENTER_CKPT
# for SPLIT in train, val and test (the segmenter trained on the phantom
# v2 train split's hand masks, as that config's comment says). An image where no hand reached the
# threshold keeps its whole frame (missing_hand='keep'; the dataset logs
# how many); 'skip' or 'raise' are the alternatives.
_base_ = ['./prsnet_r18_1xb32-20e_phantom-v2-64px.py']
img_size = 64
remove_background = dict(type='CropToHand', margin=0.05,
                         mask_background=True)
train_pipeline = [
    dict(type='LoadRadiograph'),
    remove_background,
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=10., scale=(0.9, 1.1),
         max_shift=0.05),
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    remove_background,
    dict(type='StoreFullResImage'),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
train_dataloader = dict(dataset=dict(
    hand_ann_file='annotations/train_pred_hand_masks.json',
    missing_hand='keep', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    hand_ann_file='annotations/val_pred_hand_masks.json',
    missing_hand='keep', pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    hand_ann_file='annotations/test_pred_hand_masks.json',
    missing_hand='keep', pipeline=test_pipeline))
#   python tools/train.py configs/prsnet/prsnet-bgrm_r18_1xb32-20e_phantom-v2-64px.py
