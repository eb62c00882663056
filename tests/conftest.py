"""Shared test settings: the hypothesis profile of the property-based tests.

The default profile ``dlnotes`` keeps the suite fast and reproducible: 25
examples per property, no deadline (the first torch call is slow), the same
examples on every run (``derandomize``) and no example database written into
the repository. ``HYPOTHESIS_PROFILE=explore`` draws many more, fresh random
examples: run it after changing a layer, e.g.
``HYPOTHESIS_PROFILE=explore pytest tests -k property``.

The twin-test helper lives in ``tests/twin.py`` (``from twin import check_twin``):
``tests/`` has no ``__init__.py``, so pytest puts it on ``sys.path``.
"""

import os

from hypothesis import settings

settings.register_profile("dlnotes", max_examples=25, deadline=None, derandomize=True, database=None)
settings.register_profile("explore", max_examples=500, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dlnotes"))
