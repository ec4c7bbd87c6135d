# Wu et al.: Mask R-CNN (ResNet-50-FPN, one class) segments the hand, a
# residual attention network (Attention-92 layout: Att1_1; Att2_1-2;
# Att3_1-3) regresses bone age from the hand-masked image, sex concatenated
# before the last FC; L = L_cls + L_box + L_mask + L_reg, trained together.
# The text says L_reg is L1 (mean absolute error), the printed equation is
# squared: L1 here, swap head.loss for mmdet's MSELoss for the other.
_base_ = ['./mask_rcnn_r50_fpn_hand.py', '../rsna_age_stats.py']
model = dict(
    _delete_=True,
    type='HandSegRegressor',
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor', mean=[0.5], std=[0.25]),
    segmenter={{_base_.model}},
    # training regresses on the annotated hand; inference on the predicted
    regress_on='gt',
    # end to end, as the paper trains it: the regressor sees the image times
    # the mask head's probabilities in the hand's box, so L_reg also trains
    # the segmenter; 'hard' (binary masks, L_reg stops at the regressor) is
    # the ../../ran/ran-maskrcnn-joint_* configs
    coupling='soft',
    crop_to_hand=False,
    hand_rule='score',
    score_thr=0.5,
    backbone=dict(
        type='ResidualAttentionNet',
        stage_modules=(1, 2, 3),
        base_channels=64,
        in_channels=1),
    neck=dict(_scope_='mmpretrain', type='GlobalAveragePooling'),
    head=dict(
        type='BoneAgeRegressionHead',
        in_channels=2048,
        sex_embed_dims=32,
        hidden_dims=(),
        age_mean={{_base_.age_mean}},
        age_std={{_base_.age_std}},
        loss=dict(_scope_='mmdet', type='L1Loss', loss_weight=1.0)))
