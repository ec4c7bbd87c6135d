# The published-size PRSNet with every part's feature from res5 of the part
# ResNet-34 (the paper takes res3 / res4 / res5 by the part's level: see
# ../_base_/models/prsnet_r34.py).
_base_ = ['./prsnet_r34_1xb16-100e_rsna-512px.py']
model = dict(
    part_extractor=dict(part_levels=None, backbone=dict(out_indices=(3, ))))
