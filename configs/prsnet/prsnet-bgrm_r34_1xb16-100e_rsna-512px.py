# PRSNet as published (./prsnet_r34_1xb16-100e_rsna-512px.py) with the
# paper's background removal (Ji et al., implementation details: "we conduct
# a lightweight annotation on 200 images to train a foreground segmentation
# model ... to remove background and select regions of hand bones for
# training and testing PRSNet"). The paper gives no more detail; the
# sensible reading implemented here: each radiograph is cropped to the hand
# a trained baa_mm hand segmenter predicts (5 % margin) and every pixel
# outside that hand's mask is set to 0, for training and testing, before
# augmentation and before the full-resolution copy the parts are cropped
# from. The segmenter (configs/hand_seg) is trained on outlined hands plus
# pseudo masks (docs/user_guides/dataset_preparation.md), then its masks
# are written for every split:
#   python tools/dataset_converters/pseudo_hand_masks.py ROOT/boneage-training-dataset \
#       ROOT/annotations/train_pred_hand_masks.json --segmenter SEG_CONFIG SEG_CKPT
#   python tools/dataset_converters/pseudo_hand_masks.py ROOT/boneage-test-dataset \
#       ROOT/annotations/test_pred_hand_masks.json --segmenter SEG_CONFIG SEG_CKPT
#   python tools/train.py configs/prsnet/prsnet-bgrm_r34_1xb16-100e_rsna-512px.py \
#       --data-root ROOT
# A radiograph where no hand reached the threshold keeps its whole frame
# (missing_hand='keep'; the dataset logs how many).
_base_ = ['./prsnet_r34_1xb16-100e_rsna-512px.py']
img_size = 512
remove_background = dict(type='CropToHand', margin=0.05,
                         mask_background=True)
train_pipeline = [
    dict(type='LoadRadiograph'),
    remove_background,
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAffine', max_rotate=20., scale=(0.85, 1.15),
         max_shift=0.1),
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    remove_background,
    dict(type='StoreFullResImage', max_size=2048),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
_hands = dict(missing_hand='keep')
train_dataloader = dict(dataset=dict(
    **_hands, hand_ann_file='annotations/train_pred_hand_masks.json',
    pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    **_hands, hand_ann_file='annotations/train_pred_hand_masks.json',
    pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    **_hands, hand_ann_file='annotations/test_pred_hand_masks.json',
    pipeline=test_pipeline))
