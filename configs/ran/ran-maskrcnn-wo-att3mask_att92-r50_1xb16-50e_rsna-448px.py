# Ablation of the published model, second reading of "without Att3_2 and
# Att3_3": the modules stay, only their soft mask branches go (x' = T(x)).
# The literal reading (modules removed) is ./ran-maskrcnn-wo-att3_att92-r50_...
_base_ = ['./ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py']
model = dict(backbone=dict(mask_free=('Att3_2', 'Att3_3')))
