# Phantom v2 (tags, markers, rulers, collimation, second hands) for
# segment-then-regress models: bone-age labels plus every hand's mask.
#   python tools/dataset_converters/generate_phantom.py data/phantom_v2 \
#       --style v2 --num-train 800 --num-val 100 --num-test 200
_base_ = ['./phantom_bone-age_128px.py']
data_root = 'data/phantom_v2'
img_size = 128
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='LoadHandInstances'),
    dict(_scope_='mmdet', type='Resize', scale=(img_size, img_size),
         keep_ratio=False, interpolation='area'),
    dict(_scope_='mmdet', type='RandomFlip', prob=0.5),
    dict(type='PackBoneAgeInputs'),
]
test_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='LoadHandInstances'),
    dict(_scope_='mmdet', type='Resize', scale=(img_size, img_size),
         keep_ratio=False, interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
_hands = dict(data_root=data_root)
train_dataloader = dict(dataset=dict(
    **_hands, hand_ann_file='annotations/train_hand_masks.json',
    pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    **_hands, hand_ann_file='annotations/val_hand_masks.json',
    pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    **_hands, hand_ann_file='annotations/test_hand_masks.json',
    pipeline=test_pipeline))
