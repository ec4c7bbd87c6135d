# The inception-v3 baseline from ImageNet weights (reported 9.2 months).
# Weights from a local file only (nothing is downloaded): timm (converted with tools/model_converters/timm_to_baa_mm.py)
# name, placed under checkpoints/.
_base_ = ['./baseline_inception-v3_1xb16-120e_rsna-224px.py']
imagenet_checkpoint = 'checkpoints/inception_v3.tv_in1k.pth'
model = dict(backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint)))
