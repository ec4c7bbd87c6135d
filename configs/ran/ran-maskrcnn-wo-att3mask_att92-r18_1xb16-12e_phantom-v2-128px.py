# Ablation, second reading of "without Att3_2 and Att3_3": the two modules
# stay (same depth) and only their soft mask branches go (x' = T(x)), so
# attention is removed without making the network shallower. The literal
# reading, both modules removed, is ./ran-maskrcnn-wo-att3_att92-r18_...
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
model = dict(backbone=dict(mask_free=('Att3_2', 'Att3_3')))
