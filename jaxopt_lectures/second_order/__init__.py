"""Curvature methods of the lectures (ALGORITHMS.md §6–7): directions that need the loss, its
Hessian-vector products or the residuals, each chained with a step rule of :mod:`..linesearch`.

One module per family: :mod:`.cg` (steepest descent, nonlinear CG), :mod:`.newton` (Newton,
Newton-CG), :mod:`.least_squares` (Gauss–Newton), :mod:`.marquardt` (Levenberg–Marquardt),
:mod:`.quasi_newton` (BFGS, L-BFGS).
"""

from .cg import NonlinearCGState, nonlinear_cg, scale_by_nonlinear_cg, scale_by_steepest_descent, steepest_descent
from .least_squares import GaussNewtonState, gauss_newton, scale_by_gauss_newton
from .marquardt import LevenbergMarquardtState, levenberg_marquardt, scale_by_levenberg_marquardt
from .newton import (
    NewtonCGState, NewtonState, hessian_vector_product, newton, newton_cg, scale_by_newton, scale_by_newton_cg,
)  # fmt: skip
from .quasi_newton import BFGSState, LBFGSState, bfgs, lbfgs, scale_by_bfgs, scale_by_lbfgs

__all__ = [
    "bfgs", "gauss_newton", "lbfgs", "levenberg_marquardt", "newton", "newton_cg", "nonlinear_cg", "steepest_descent",
    "scale_by_bfgs", "scale_by_gauss_newton", "scale_by_lbfgs", "scale_by_levenberg_marquardt", "scale_by_newton",
    "scale_by_newton_cg", "scale_by_nonlinear_cg", "scale_by_steepest_descent", "hessian_vector_product",
    "BFGSState", "GaussNewtonState", "LBFGSState", "LevenbergMarquardtState", "NewtonCGState", "NewtonState",
    "NonlinearCGState",
]  # fmt: skip
