"""Generate large, deterministic, realistic synthetic listings and organisations for benchmarks.

Standard library only. Dicts have the shape of the demo JSON files in
``marketplace/demo/data/``. The work is done by ``synth_orgs`` (organisations) and
``synth_listings`` (listing text) over ``synth_common`` (vocabulary, random picks).

The app imports this module as ``marketplace.demo.synth``. Benchmarks and Flask-free
tests load this file by path instead, because importing the ``marketplace`` package
imports Flask::

    spec = importlib.util.spec_from_file_location("synth", ".../marketplace/demo/synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

__all__ = [
    "COOPERATION_MODES",
    "CREDIT_CODE_CHARSET",
    "CREDIT_CODE_WEIGHTS",
    "FIELDS",
    "FIELD_CODES",
    "IP_FORMS",
    "ORG_POOL_SIZE",
    "PRICING_MODES",
    "credit_code_check_char",
    "generate_listings",
    "generate_organizations",
    "patent_application_number",
]

#: Name of the bare package that stands for this folder when the file is loaded by path.
_STANDALONE = "_synth_standalone"


def _import_standalone():
    """Import this file again inside a bare package for its folder, and return it.

    Loaded by path it has no parent package to resolve its relative imports against,
    and the real one, ``marketplace.demo``, would import Flask.
    """
    if _STANDALONE not in sys.modules:
        spec = importlib.machinery.ModuleSpec(_STANDALONE, None, is_package=True)
        spec.submodule_search_locations = [str(Path(__file__).resolve().parent)]
        sys.modules[_STANDALONE] = importlib.util.module_from_spec(spec)
    return importlib.import_module(f"{_STANDALONE}.{Path(__file__).stem}")


if __package__:
    from .synth_common import (
        COOPERATION_MODES,
        FIELD_CODES,
        FIELDS,
        IP_FORMS,
        ORG_POOL_SIZE,
        PRICING_MODES,
    )
    from .synth_listings import generate_listings, patent_application_number
    from .synth_orgs import (
        CREDIT_CODE_CHARSET,
        CREDIT_CODE_WEIGHTS,
        credit_code_check_char,
        generate_organizations,
    )
else:
    _twin = _import_standalone()
    globals().update({name: getattr(_twin, name) for name in __all__})
