# Chen et al., phase I: a CAM localiser. timm's Inception-v3 (through
# mmpretrain's TIMMBackbone; mmpretrain's own InceptionV3 ends in logits and
# gives no feature map to build CAMs from) without top -> global pooling ->
# FC over 240 age classes (months 0-239), trained with soft labels
# (triangular, delta = 50 months). H uses global average pooling, R1/R2
# global max pooling (set in the configs). ImageNet weights: a local file
# only, e.g. --cfg-options model.backbone.checkpoint_path=/path/to/
# inception_v3.tv_in1k.bin (timm's name); random init otherwise.
model = dict(
    type='CAMLocalizer',
    region='R1',
    rel_thr=0.5,
    cam_class='pred',
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor',
        mean=[0.485, 0.456, 0.406],
        std=[0.229, 0.224, 0.225],
        num_channels=3),
    backbone=dict(
        _scope_='mmpretrain',
        type='TIMMBackbone',
        model_name='inception_v3',
        pretrained=False,
        checkpoint_path='',
        in_channels=3,
        num_classes=0,
        global_pool=''),
    head=dict(
        type='SoftLabelCAMHead',
        in_channels=2048,
        num_classes=240,
        pool='max',
        delta=50.,
        kernel='triangular'))
