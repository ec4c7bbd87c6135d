# The fine-tuned ResNet baseline (Nguyen & Kim: 5.738 years; depth not
# stated, ResNet-50 read): global average pooling and a single linear
# output; the hierarchical VGG's phantom schedule and input.
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb32-12e_wbphantom-64x192px.py']
model = dict(
    backbone=dict(_delete_=True, _scope_='mmpretrain', type='ResNet',
                  depth=50, out_indices=(3, )),
    neck=dict(_delete_=True, _scope_='mmpretrain',
              type='GlobalAveragePooling'),
    head=dict(in_channels=2048, hidden_dims=(), dropout=0.))
