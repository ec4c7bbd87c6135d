# PRSNet (Ji et al.): relation-augmented ResNet-34 (relation modules after
# res3-res5), part selection on res3-res5 anchors (top M=3 after NMS), a
# second ResNet-34 on the crops (taken from the full-resolution image),
# concat(F_local, F_global, one-hot sex) -> FC, squared-error loss + per-part
# regression + ranking loss. Random init on 1-channel radiographs; for
# ImageNet weights set num_channels=3 / in_channels=3 and a local
# init_cfg=dict(type='Pretrained', checkpoint='/path/resnet34.pth').
_base_ = ['../rsna_age_stats.py']
model = dict(
    type='PRSNet',
    with_relation=True,
    with_selection=True,
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.5],
        std=[0.25],
        channels_last=True),
    backbone=dict(
        type='RelationResNet',
        depth=34,
        in_channels=1,
        out_indices=(1, 2, 3),
        relation_indices=(1, 2, 3)),
    part_selection=dict(
        type='PartSelectionHead',
        # 512 px input: res3/res4/res5 (strides 8/16/32) score anchors of
        # 48-64 / 96-128 / 192-256 px, ratios 1:2, 1:1, 2:1.
        anchor_generator=dict(
            _scope_='mmdet',
            type='AnchorGenerator',
            strides=[8, 16, 32],
            ratios=[0.5, 1.0, 2.0],
            scales=[6, 8]),
        num_parts=3,
        iou_thr=0.25,
        pre_nms_topk=1000,
        feat_channels=128),
    # the paper: "each anchor is used to extract a feature vector on the
    # corresponding layer (res3, res4 or res5) of another ResNet-34": a part
    # scored on res3 / res4 / res5 takes the part CNN's res3 / res4 / res5,
    # pooled, brought to res5's width by a linear map (our choice; the paper
    # does not say). part_levels=None with out_indices=(3, ) gives every
    # part res5 (the ../../prsnet/prsnet-res5parts_* configs).
    part_extractor=dict(
        type='PartFeatureExtractor',
        crop_size=112,
        part_levels=(0, 1, 2),
        backbone=dict(
            _scope_='mmpretrain',
            type='ResNet',
            depth=34,
            in_channels=1,
            out_indices=(1, 2, 3)),
        loss=dict(_scope_='mmdet', type='MSELoss', loss_weight=1.0)),
    rank_loss=dict(type='PartRankingLoss', margin=1.0, loss_weight=1.0),
    head=dict(
        type='BoneAgeRegressionHead',
        # an embedding of the one-hot sex vector, concatenated: the paper's
        # concat(F_local, F_global, one-hot sex) -> FC
        sex_embed_dims=2,
        hidden_dims=(),
        age_mean={{_base_.age_mean}},
        age_std={{_base_.age_std}},
        loss=dict(_scope_='mmdet', type='MSELoss', loss_weight=1.0)),
    channels_last=True)
