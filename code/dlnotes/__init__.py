"""dlnotes: the code package of the executable textbook *Foundations of Neural Networks*.

Every chapter of the book imports its implementations from here. Modules are
organised by concept, not by chapter:

``data``       real data sets (Fashion-MNIST, MNIST) with verified caching
``utils``      seeding, device selection, timing, showing source code
``models``     torch models (MLP builder, linear classifier)
``train``      one reusable training loop (``fit``) and ``evaluate``
``plot``       plotting helpers used across chapters
``widgets``    explorable demos: live ipywidgets in Jupyter, precomputed on the website
``schedules``  learning-rate schedules stepped once per mini-batch
``recipes``    the reference training runs whose targets the book states (and benchmarks)
``toydata``    seeded 2-D toy data sets (spirals, moons, circles) for pictures
``approximation``  universal approximation by hand-built sums of bumps
``logic``      networks of step neurons: XOR, parity, circuits
``engine``     a scalar reverse-mode autograd engine with graph drawing
``gradcheck``  finite-difference gradient checking
``errata``     comparing recomputed numbers with the ones printed on lecture slides
``scratch``    from-scratch numpy implementations with forward and backward:
               ``activations``, ``losses``, ``layers``, ``optim``, ``perceptron``, ...

Heavy dependencies (torch, matplotlib, ipywidgets) are imported lazily by the
modules that need them, so ``import dlnotes`` is cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
