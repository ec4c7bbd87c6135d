# CPU-sized CAM localiser: ResNet-18 (random init, 1-channel input) without
# top -> global pooling -> FC over 240 age classes with soft labels.
model = dict(
    type='CAMLocalizer',
    region='R1',
    rel_thr=0.5,
    cam_class='pred',
    data_preprocessor=dict(
        type='BoneAgeDataPreprocessor', mean=[0.5], std=[0.25],
        channels_last=True),
    backbone=dict(
        _scope_='mmpretrain',
        type='ResNet',
        depth=18,
        in_channels=1,
        out_indices=(3, )),
    head=dict(
        type='SoftLabelCAMHead',
        in_channels=512,
        num_classes=240,
        pool='max',
        delta=50.,
        kernel='triangular'),
    channels_last=True)
