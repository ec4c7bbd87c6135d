"""Registration of every baa_mm module (as ``mmdet.utils.register_all_modules``)."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every baa_mm module so that it lands in the registries.

    Args:
        init_default_scope (bool): Whether to make ``baa_mm`` the current
            default scope (``DefaultScope.get_current_instance().scope_name``).
            Defaults to True.
    """
    import baa_mm.datasets  # noqa: F401,F811
    import baa_mm.engine  # noqa: F401,F811
    import baa_mm.evaluation  # noqa: F401,F811
    import baa_mm.models  # noqa: F401,F811
    import baa_mm.structures  # noqa: F401,F811
    import baa_mm.visualization  # noqa: F401,F811

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('baa_mm', scope_name='baa_mm')
    elif current.scope_name != 'baa_mm':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "baa_mm"; `register_all_modules` will force the '
                      'current default scope to be "baa_mm".')
        new_name = f'baa_mm-{datetime.datetime.now()}'
        DefaultScope.get_instance(new_name, scope_name='baa_mm')
