"""Install baa_mm (``pip install -e .``).

The heavy, build-sensitive dependencies (torch, mmcv with ops) are installed by
``tools/setup_env.sh``; see README.md.
"""
import os.path as osp

from setuptools import find_packages, setup


def get_version() -> str:
    ns: dict = {}
    with open(osp.join(osp.dirname(__file__), 'baa_mm', 'version.py')) as f:
        exec(f.read(), ns)
    return ns['__version__']


def parse_requirements(fname: str) -> list:
    path = osp.join(osp.dirname(__file__), 'requirements', fname)
    with open(path) as f:
        return [ln.split('#')[0].strip() for ln in f
                if ln.split('#')[0].strip()]


if __name__ == '__main__':
    setup(
        name='baa_mm',
        version=get_version(),
        description='Bone age assessment toolbox for OpenMMLab',
        long_description=open('README.md').read() if osp.exists('README.md') else '',
        long_description_content_type='text/markdown',
        license='Apache-2.0',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'data')),
        include_package_data=True,
        python_requires='>=3.9',
        install_requires=parse_requirements('runtime.txt') +
        parse_requirements('mminstall.txt') + ['mmcv>=2.0.0,<2.2.0'],
        extras_require={
            'tests': parse_requirements('tests.txt'),
            'dicom-gpl': parse_requirements('dicom_gpl.txt'),
            'demo': parse_requirements('demo.txt')
        },
        zip_safe=False,
    )
