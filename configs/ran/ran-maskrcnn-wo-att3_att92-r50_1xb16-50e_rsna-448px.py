# Ablation of the published model: without Att3_2 and Att3_3 (reported 9.07 months).
_base_ = ['./ran-maskrcnn_att92-r50_1xb16-50e_rsna-448px.py']
model = dict(backbone=dict(stage_modules=(1, 2, 1)))
