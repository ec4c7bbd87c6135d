# The resnet50 baseline from ImageNet weights (reported 9.3 months).
# Weights from a local file only (nothing is downloaded): mmpretrain
# name, placed under checkpoints/.
_base_ = ['./baseline_resnet50_1xb16-120e_rsna-224px.py']
imagenet_checkpoint = 'checkpoints/resnet50_8xb32_in1k_20210831-ea4938fc.pth'
model = dict(backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint,
                  prefix='backbone')))
