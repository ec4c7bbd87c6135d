# The CPU segment-then-regress model on real radiographs (rsna100
# thumbnails), its Mask R-CNN initialised from the segmenter trained on
# automatic hand masks (configs/hand_seg/
# mask-rcnn_r18_fpn_1xb8-4e_rsna100-pseudo-128px.py; train that first) and
# trained on, together with the regressor, for 2 epochs on the first 3,000
# training images (about 20 min on 2 CPU cores). A demonstration that the
# whole pipeline runs on real images, from a thumbnail-trained model to
# a full-size radiograph (tools/infer.py), not a tuned bone-age model.
#   python tools/dataset_converters/pseudo_hand_masks.py data/rsna100/train \
#       data/rsna100/annotations/train_pseudo_hand_masks.json \
#       --exclude-stems ../shared/data/rsna_fullsize/images \
#       ../shared/data/rsna_fullsize/annotations/hand_polygons
_base_ = ['./ran-maskrcnn_att92-r18_1xb16-12e_phantom-v2-128px.py']
data_root = 'data/rsna100'
segmenter_checkpoint = ('work_dirs/mask-rcnn_r18_fpn_1xb8-4e_rsna100-pseudo-'
                        '128px/epoch_4.pth')
model = dict(
    segmenter=dict(init_cfg=dict(type='Pretrained',
                                 checkpoint=segmenter_checkpoint)))
# same file names and training pipeline as phantom v2 (train.csv, train/,
# ...); the val images have no hand masks: bone age only
test_pipeline = [
    dict(type='LoadRadiograph'),
    # the thumbnails' grid (see ../_base_/datasets/rsna100_bone-age_128px.py)
    dict(type='SourceGrid', size=(100, 100), interpolation='nearest-exact'),
    dict(_scope_='mmdet', type='Resize', scale=(128, 128), keep_ratio=False,
         interpolation='area'),
    dict(type='PackBoneAgeInputs'),
]
# selection on a 10 % hash-carved holdout of train.csv (bone age only),
# report on val.csv (rsna100 has no labelled test split)
train_dataloader = dict(dataset=dict(
    data_root=data_root, id_subset=dict(holdout=0.1, part='rest'),
    hand_ann_file='annotations/train_pseudo_hand_masks.json', indices=3000))
val_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='train.csv',
    data_prefix=dict(img_path='train'),
    id_subset=dict(holdout=0.1, part='holdout'), hand_ann_file=None,
    pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='val.csv', data_prefix=dict(img_path='val'),
    hand_ann_file=None, pipeline=test_pipeline))
val_evaluator = dict(_delete_=True, type='BoneAgeMetric')
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=2, val_interval=2)
