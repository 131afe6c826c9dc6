"""Parcours Réserviste."""

import os

# Linear algebra runs one thread per process: requests (and the matching engine's searches) are small,
# and several web or task workers share the cores. A multi-threaded BLAS under contention made a
# 5 ms search take 30 ms. Set the variables explicitly to override.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
