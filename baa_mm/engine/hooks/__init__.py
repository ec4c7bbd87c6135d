from .visualization_hook import BoneAgeVisualizationHook

__all__ = ['BoneAgeVisualizationHook']
