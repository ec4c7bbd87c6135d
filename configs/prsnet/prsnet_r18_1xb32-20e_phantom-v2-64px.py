# PRSNet (per-level part features) on phantom v2: the phantom_hr config
# (./prsnet_r18_1xb32-20e_phantom-64px.py: 64 px trunk, three 48 px parts
# cropped from the 256 px original, 20 epochs) on phantoms with tags,
# markers, rulers, collimation and second hands, which a part selector can
# lock onto. The whole frame goes in; the background-removal twin is
# ./prsnet-bgrm_r18_1xb32-20e_phantom-v2-64px.py.
#   python tools/dataset_converters/generate_phantom.py data/phantom_v2 \
#       --style v2 --num-train 800 --num-val 100 --num-test 200
#   python tools/train.py configs/prsnet/prsnet_r18_1xb32-20e_phantom-v2-64px.py
_base_ = ['./prsnet_r18_1xb32-20e_phantom-64px.py']
data_root = 'data/phantom_v2'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))
