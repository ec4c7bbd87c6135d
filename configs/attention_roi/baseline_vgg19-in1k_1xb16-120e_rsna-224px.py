# The vgg19 baseline from ImageNet weights (reported 9.3 months).
# Weights from a local file only (nothing is downloaded): mmpretrain
# name, placed under checkpoints/.
_base_ = ['./baseline_vgg19_1xb16-120e_rsna-224px.py']
imagenet_checkpoint = 'checkpoints/vgg19_batch256_imagenet_20210208-e6920e4a.pth'
model = dict(backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint,
                  prefix='backbone')))
