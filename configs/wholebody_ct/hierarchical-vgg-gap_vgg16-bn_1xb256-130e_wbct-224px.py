# The hierarchical VGG with globally pooled connections (the paper's
# suggested saving): 65,792 + 131,328 connection parameters instead of
# 51,380,480 + 25,690,368 (Eq. 1 at 224).
_base_ = ['./hierarchical-vgg_vgg16-bn_1xb256-130e_wbct-224px.py']
model = dict(neck=dict(global_pool=True))
