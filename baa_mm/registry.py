"""baa_mm's registries, in one place (the mmpretrain/mmyolo pattern).

Every registry is a child of mmengine's root registry of the same kind, with
``locations`` so that ``Registry.build`` imports the defining modules lazily.

**Scheme for using other OpenMMLab packages** (the one baa_mm uses and tests):
configs run under ``default_scope='baa_mm'`` and give every module of another
package a ``_scope_`` key::

    backbone=dict(_scope_='mmpretrain', type='ResNet', depth=34),
    detector=dict(_scope_='mmdet', type='MaskRCNN',
                  backbone=dict(type='ResNet', ...), ...)

``build_from_cfg`` makes ``_scope_`` the default scope while it builds that
dict, so the *whole sub-tree* resolves in the package: the nested ``ResNet``
above is mmdet's, and so are the detector's data preprocessor, heads,
assigners and samplers, which mmengine builds through its root registry.
A type prefix (``type='mmdet.MaskRCNN'``) is *not* enough for nested modules:
it finds the class, but the sub-tree is then built in the current default
scope (``baa_mm``) and mmdet-only types such as ``DetDataPreprocessor`` are
not found.  Un-prefixed, un-scoped types resolve in baa_mm first, then in
mmengine's root registry (where mmcv's transforms such as ``Resize`` live).
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import \
    RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import \
    WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'LOG_PROCESSORS',
    'OPTIMIZERS', 'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'PARAM_SCHEDULERS', 'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS',
    'MODEL_WRAPPERS', 'WEIGHT_INITIALIZERS', 'TASK_UTILS', 'METRICS',
    'EVALUATOR', 'VISUALIZERS', 'VISBACKENDS'
]

# Runtime
RUNNERS = Registry('runner', parent=MMENGINE_RUNNERS,
                   locations=['baa_mm.engine'])
RUNNER_CONSTRUCTORS = Registry('runner constructor',
                               parent=MMENGINE_RUNNER_CONSTRUCTORS,
                               locations=['baa_mm.engine'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['baa_mm.engine'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, locations=['baa_mm.engine'])
LOG_PROCESSORS = Registry('log processor', parent=MMENGINE_LOG_PROCESSORS,
                          locations=['baa_mm.engine'])
OPTIMIZERS = Registry('optimizer', parent=MMENGINE_OPTIMIZERS,
                      locations=['baa_mm.engine'])
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=MMENGINE_OPTIM_WRAPPERS,
                          locations=['baa_mm.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['baa_mm.engine'])
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=MMENGINE_PARAM_SCHEDULERS,
                            locations=['baa_mm.engine'])

# Data
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS,
                    locations=['baa_mm.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS,
                         locations=['baa_mm.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS,
                      locations=['baa_mm.datasets'])

# Models
MODELS = Registry('model', parent=MMENGINE_MODELS,
                  locations=['baa_mm.models'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS,
                          locations=['baa_mm.models'])
WEIGHT_INITIALIZERS = Registry('weight initializer',
                               parent=MMENGINE_WEIGHT_INITIALIZERS,
                               locations=['baa_mm.models'])
TASK_UTILS = Registry('task util', parent=MMENGINE_TASK_UTILS,
                      locations=['baa_mm.models'])

# Evaluation and visualisation
METRICS = Registry('metric', parent=MMENGINE_METRICS,
                   locations=['baa_mm.evaluation'])
EVALUATOR = Registry('evaluator', parent=MMENGINE_EVALUATOR,
                     locations=['baa_mm.evaluation'])
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS,
                       locations=['baa_mm.visualization'])
VISBACKENDS = Registry('vis_backend', parent=MMENGINE_VISBACKENDS)
