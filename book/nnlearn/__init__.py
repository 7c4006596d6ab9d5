"""nnlearn: the small library behind the course "How neural networks learn".

Modules (each short enough to read in a few minutes):

* ``activations``: phi and phi' for every activation in the course
* ``losses``:      MSE and cross-entropy (with a stable softmax), and their gradients
* ``network``:     initialisation, forward and backward passes in the notes' notation
* ``gradcheck``:   finite differences, the oracle every gradient is tested against
* ``optim``:       gradient descent and Newton-Raphson, recording their paths
* ``landscapes``:  2-D test surfaces with analytic gradients and Hessians
* ``plots``, ``demos``: every figure and every interactive demo
"""

__version__ = "0.1.0"
