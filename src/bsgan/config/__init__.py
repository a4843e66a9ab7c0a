"""``params.yaml``, read and validated in one place into frozen, typed config objects.

Stages receive these objects, never raw dicts. Unknown keys are errors (a misspelt key must not be
silently ignored) and every failure becomes one :class:`~bsgan.errors.ParamsError` line that names
the dotted key, e.g. ``params.yaml: data.image_size: must be >= 16 (got 8)``.

One module per section of ``params.yaml`` (:mod:`~bsgan.config.data`, :mod:`~bsgan.config.gan`, ...),
what they share in :mod:`~bsgan.config.base` and :mod:`~bsgan.config.runtime`, and the whole file with
its cross-section checks in :mod:`~bsgan.config.params`.
"""

from bsgan.config.augment import AugmentConfig
from bsgan.config.base import ClassName, Section, TaskName, normalise_class_name
from bsgan.config.classify import ClassifyConfig
from bsgan.config.data import SYNTHETIC_CLASSES, DataConfig, LabelmeConfig, LeakConfig, SplitCounts, SyntheticConfig
from bsgan.config.evaluate import EvalConfig, ReferenceConfig
from bsgan.config.gan import GanConfig, LabelValues
from bsgan.config.generate import GenerateConfig
from bsgan.config.params import Params, check_fid_sets, load_params, parse_params
from bsgan.config.runtime import RuntimeConfig
from bsgan.config.tasks import TaskDefinition, TaskPart, TasksConfig
from bsgan.config.tune import TUNABLE, SearchChoices, SearchRange, TuneConfig

__all__ = [
    "SYNTHETIC_CLASSES", "TUNABLE", "AugmentConfig", "ClassName", "ClassifyConfig", "DataConfig", "EvalConfig",
    "GanConfig", "GenerateConfig", "LabelValues", "LabelmeConfig", "LeakConfig", "Params", "ReferenceConfig",
    "RuntimeConfig", "SearchChoices", "SearchRange", "Section", "SplitCounts", "SyntheticConfig", "TaskDefinition",
    "TaskName", "TaskPart", "TasksConfig", "TuneConfig", "check_fid_sets", "load_params", "normalise_class_name",
    "parse_params",
]
