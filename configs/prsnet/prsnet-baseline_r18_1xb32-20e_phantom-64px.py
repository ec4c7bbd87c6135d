# PRSNet ablation, baseline: plain ResNet + sex (no relation, no selection).
_base_ = ['./prsnet_r18_1xb32-20e_phantom-64px.py']
model = dict(with_relation=False, with_selection=False)
test_evaluator = [dict(type='BoneAgeMetric')]  # no parts to score
