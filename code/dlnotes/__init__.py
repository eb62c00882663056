"""dlnotes: the code package of the executable textbook *Foundations of Neural Networks*.

Every chapter imports its implementations from here. Modules are organised
by concept, not by chapter (CONTRIBUTING.md says where each kind of code goes):

``data``       data sets: sources and checksums, images, batching, 2-D toy data
``scratch``    numpy twins of ``torch.nn`` with forward and backward, one module per family
``models``     torch models by family
``train``      the torch training loop (``fit``, ``evaluate``, ``predict``)
``history``    what the torch and the numpy ``fit`` share: ``History``, metrics
``schedules``  learning-rate schedules
``engine``     a scalar reverse-mode autograd engine with graph drawing
``gradcheck``  finite-difference gradient checking
``byhand``     networks set by hand or by classic rules: perceptron, logic circuits,
               universal approximation by bumps, the worked backprop examples
``book``       what renders the book: plots, demos, errata, reference recipes, ``show_source``
``utils``      random generators, seeding, devices, timing

Heavy dependencies (torch, matplotlib, ipywidgets) are imported lazily by the
functions that need them, so ``import dlnotes`` is cheap.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
