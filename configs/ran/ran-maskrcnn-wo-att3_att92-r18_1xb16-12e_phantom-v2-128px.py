# Ablation: without Att3_2 and Att3_3 (reported 9.07 months).
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
model = dict(backbone=dict(stage_modules=(1, 2, 1)))
