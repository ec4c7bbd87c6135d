# Ablation: without the segmenter: regression on the whole image (reported 12 months on tagged images).
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
model = dict(segmenter=None)
# no hand to score without the segmenter
val_evaluator = dict(_delete_=True, type='BoneAgeMetric')
test_evaluator = val_evaluator
