"""Import one pure-Python module of baa_mm by file path (not part of the API).

``baa_mm/__init__`` and ``baa_mm/datasets/__init__`` import torch and
mmengine; converters that only need numpy/OpenCV code (the phantom
generator, the image cache) load that module alone so they start fast.
"""
import importlib.util
import os.path as osp
import sys
from types import ModuleType

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_package_module(relpath: str, name: str) -> ModuleType:
    """Import ``baa_mm/<relpath>`` as module ``name`` (once per process).

    The module is registered in ``sys.modules`` before it runs: dataclasses
    and pickling for worker processes look it up by name.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO, 'baa_mm', relpath))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
