# baa_mm quick start.  `make demo` and `make test` set up what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
export BAA_MM_VENV := $(abspath $(VENV))
DEMO_CFG := configs/baseline/baseline_r18_1xb32-12e_phantom-128px.py
DEMO_DIR := work_dirs/demo

.PHONY: env demo test phantom clean-demo

env:
	bash tools/setup_env.sh

phantom: env
	$(PY) tools/dataset_converters/generate_phantom.py data/phantom

# Train the baseline on generated phantoms, then print its test MAE next to
# the MAE of always predicting the training mean.
demo: phantom
	$(PY) tools/train.py $(DEMO_CFG) --work-dir $(DEMO_DIR)
	$(PY) tools/test.py $(DEMO_CFG) $$(cat $(DEMO_DIR)/last_checkpoint) \
		--work-dir $(DEMO_DIR) --out $(DEMO_DIR)/test_predictions.csv
	$(PY) tools/analysis_tools/mean_predictor_mae.py $(DEMO_CFG)

test: env
	$(PY) -m pytest tests -q -p no:cacheprovider --durations=25

clean-demo:
	rm -rf $(DEMO_DIR)
