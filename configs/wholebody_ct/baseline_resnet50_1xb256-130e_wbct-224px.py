# The fine-tuned ResNet baseline (Nguyen & Kim: 5.738 years; depth not
# stated: ResNet-50): global average pooling and a single linear output.
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb256-130e_wbct-224px.py']
model = dict(
    backbone=dict(
        _delete_=True, _scope_='mmpretrain', type='ResNet', depth=50,
        out_indices=(3, ),
        init_cfg=dict(
            type='Pretrained', prefix='backbone',
            checkpoint='checkpoints/resnet50_8xb32_in1k_20210831-ea4938fc.pth')),
    neck=dict(_delete_=True, _scope_='mmpretrain',
              type='GlobalAveragePooling'),
    head=dict(in_channels=2048, hidden_dims=(), dropout=0.))
