# The fine-tuned VGG baseline (Nguyen & Kim: 9.741 years): VGG-16-BN with
# its classifier (flattened block 5 -> FC 4096 -> FC 4096, dropout 0.5) and
# a single linear output; the hierarchical VGG without its connections.
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb256-130e_wbct-224px.py']
model = dict(
    backbone=dict(out_indices=(4, )),
    neck=dict(in_channels=(512, ), side_indices=(), strides=(32, )),
    head=dict(in_channels=25088, hidden_dims=(4096, 4096)))
